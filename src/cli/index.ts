/** The `chatq` command (SPEC §9). Placeholder until issue 11 lands. */
export {};

/** `chatq/sign` (SPEC §9): signIdentity for the host's backend. Placeholder until issue 11 lands. */
export {};

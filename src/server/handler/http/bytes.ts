/** Joins the chunks read from a stream; one chunk is returned as it is (no copy). */
export function concatBytes(chunks: readonly Uint8Array[], total: number): Uint8Array {
  return chunks.length === 1 ? chunks[0]! : copyBytes(chunks, total);
}

/** The chunks in one new buffer: a chunk may be a view of a larger socket buffer that must not be kept alive. */
export function copyBytes(chunks: readonly Uint8Array[], total: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

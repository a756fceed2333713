// One spelling of "this attachment" for maps: names cannot contain NUL, so the join is unambiguous.

/** The key of an attachment (network, container ID, interface) in maps. */
export function attachmentKey(network: string, containerId: string, ifName: string): string {
  return `${network}\0${containerId}\0${ifName}`;
}

/*
 * A live message as PUBLISH sends it (scripts.ts), so a subscriber can tell it missed one:
 *   u8 id length · id · u8 previous id length · previous id ('' for a stream's first entry) · payload
 * The previous id is the stream's last entry before this one: if it is not the id this process last
 * delivered on the channel, something was published that this process did not receive.
 */
export interface LiveFrame {
  id: string;
  prevId: string;
  payload: Buffer;
}

export function parseFrame(message: Buffer): LiveFrame | undefined {
  if (message.length < 2) return undefined;
  const idLength = message[0]!;
  const prevAt = 1 + idLength;
  if (idLength === 0 || prevAt >= message.length) return undefined;
  const prevLength = message[prevAt]!;
  const payloadAt = prevAt + 1 + prevLength;
  if (payloadAt > message.length) return undefined;
  return {
    id: message.toString('latin1', 1, prevAt),
    prevId: message.toString('latin1', prevAt + 1, payloadAt),
    payload: message.subarray(payloadAt),
  };
}

/**
 * Which senders IPC answers (electron/fiddle drops messages from any other): the top frame of
 * a window the app created, showing the app's own URL. An iframe, a page navigated elsewhere
 * or a web contents we never registered gets nothing. Structural types, no Electron import,
 * so it is tested with plain objects.
 */

export interface SenderFrameLike {
  readonly url: string;
  readonly parent: unknown;
}

export interface InvokeEventLike {
  readonly sender: { readonly id: number };
  /** null when the frame navigated away or was destroyed before the message was handled. */
  readonly senderFrame: SenderFrameLike | null;
}

export interface WindowContentsLike {
  readonly id: number;
  once(event: 'destroyed', listener: () => void): unknown;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export interface SenderRegistry {
  /** Registers a window's web contents; it is forgotten when destroyed. */
  add(contents: WindowContentsLike): void;
  isKnownSender(event: InvokeEventLike): boolean;
  /** Live registered contents: where pushed events go. */
  contents(): WindowContentsLike[];
}

export function createSenderRegistry(isAppUrl: (url: string) => boolean): SenderRegistry {
  const known = new Map<number, WindowContentsLike>();
  return {
    add(contents) {
      known.set(contents.id, contents);
      contents.once('destroyed', () => known.delete(contents.id));
    },
    isKnownSender(event) {
      try {
        const frame = event.senderFrame;
        return known.has(event.sender.id) && frame !== null && frame.parent === null && isAppUrl(frame.url);
      } catch {
        // Electron throws when a destroyed frame's properties are read: not a sender to answer.
        return false;
      }
    },
    contents: () => [...known.values()].filter((c) => !c.isDestroyed()),
  };
}

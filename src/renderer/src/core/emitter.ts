/** A minimal typed event emitter: the core's classes use it to tell their owner what happened. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventMap<Events> = { [K in keyof Events]: (...args: any[]) => void }

export class Emitter<Events extends EventMap<Events>> {
  private readonly listeners = new Map<keyof Events, Set<Events[keyof Events]>>()

  /** Adds a listener and returns the function that removes it. */
  on<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    let set = this.listeners.get(event)
    if (set === undefined) {
      set = new Set()
      this.listeners.set(event, set)
    }
    set.add(listener)
    return () => set.delete(listener)
  }

  /** Calls every listener of `event`; one listener throwing does not keep the others from running. */
  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        listener(...args)
      } catch (error) {
        queueMicrotask(() => {
          throw error
        })
      }
    }
  }

  clear(): void {
    this.listeners.clear()
  }
}

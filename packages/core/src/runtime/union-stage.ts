import { map, merge, Observable } from "rxjs";
import { MIN_WATERMARK, type StreamElement } from "./elements.ts";

/**
 * Merges several inputs into one ordered stream, as a Flink operator with several inputs does:
 * - the watermark is the minimum of the inputs' watermarks, forwarded when it advances;
 * - barriers are aligned: after an input delivers barrier n, its elements wait until every other
 *   input has delivered barrier n too, so the snapshot covers the same records on every input;
 * - the output ends when every input has ended (an ended input no longer holds back watermarks
 *   or barriers).
 */
export function unionStage<T>(inputs: readonly Observable<StreamElement<T>>[]): Observable<StreamElement<T>> {
  return new Observable<StreamElement<T>>((subscriber) => {
    const count = inputs.length;
    const watermarks = new Array<number>(count).fill(MIN_WATERMARK);
    const ended = new Array<boolean>(count).fill(false);
    // Elements held back from inputs that are past a barrier the others have not reached.
    const held: StreamElement<T>[][] = Array.from({ length: count }, () => []);
    const blocked = new Array<boolean>(count).fill(false);
    let aligning: StreamElement<T> | undefined;
    let emittedWatermark = MIN_WATERMARK;

    const forwardWatermark = () => {
      let min = Number.POSITIVE_INFINITY;
      for (let i = 0; i < count; i++) if (!ended[i] && watermarks[i]! < min) min = watermarks[i]!;
      if (min === Number.POSITIVE_INFINITY) min = Math.max(...watermarks);
      if (min > emittedWatermark) {
        emittedWatermark = min;
        subscriber.next({ kind: "watermark", timestamp: min });
      }
    };

    const alignmentDone = () => {
      for (let i = 0; i < count; i++) if (!blocked[i] && !ended[i]) return false;
      return true;
    };

    const releaseAligned = () => {
      const barrier = aligning!;
      aligning = undefined;
      subscriber.next(barrier);
      blocked.fill(false);
      for (let i = 0; i < count; i++) {
        const pending = held[i]!;
        held[i] = [];
        for (const element of pending) handle(i, element);
      }
    };

    const handle = (index: number, element: StreamElement<T>): void => {
      if (blocked[index]) {
        held[index]!.push(element);
        return;
      }
      switch (element.kind) {
        case "data":
        case "split-status":
          subscriber.next(element);
          return;
        case "watermark":
          watermarks[index] = element.timestamp;
          forwardWatermark();
          return;
        case "barrier":
          aligning = element;
          blocked[index] = true;
          if (alignmentDone()) releaseAligned();
          return;
        case "end":
          ended[index] = true;
          forwardWatermark();
          if (aligning && alignmentDone()) releaseAligned();
          if (ended.every(Boolean)) subscriber.next(element);
          return;
      }
    };

    const subscription = merge(
      ...inputs.map((input, index) => input.pipe(map((e) => [index, e] as const))),
    ).subscribe({
      next: ([index, element]) => handle(index, element),
      error: (error) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    return () => subscription.unsubscribe();
  });
}

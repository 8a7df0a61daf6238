/**
 * Growth of a circular buffer of numbers: a full `data` whose oldest value is at `head`, copied in
 * order to the start of a `Float64Array` twice its size. The sliding structures keep their
 * circular buffers inline (a method call per value would box the doubles it passes and returns,
 * an allocation per record) and share only this rare step.
 */
export function unrollDoubled(data: Float64Array<ArrayBuffer>, head: number): Float64Array<ArrayBuffer> {
  const doubled = new Float64Array(data.length * 2);
  // The tail part [head, end) then the wrapped part [0, head).
  doubled.set(data.subarray(head));
  doubled.set(data.subarray(0, head), data.length - head);
  return doubled;
}

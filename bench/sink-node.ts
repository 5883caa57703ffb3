/**
 * `bench-sink`: a counting end of a benchmark flow (bench/status.ts loads it into Node-RED from a
 * temporary nodes directory). It does as little as possible per message, so both measured paths
 * pay the same, tiny price for it: a counter and a timestamp, nothing kept. bench/status.ts reads
 * `received` and `lastAt` and calls `reset` on the live node (RED.nodes.getNode).
 */
import type { Node, NodeAPI, NodeDef } from 'node-red';

interface SinkNode extends Node {
  /** Messages received since the last reset. */
  received: number;
  /** performance.now() when the last message arrived (0 before the first). */
  lastAt: number;
  /** Called once when `received` reaches `target` (then cleared). */
  onTarget: (() => void) | null;
  target: number;
  reset(target: number, onTarget: () => void): void;
}

export = function (RED: NodeAPI): void {
  function BenchSinkNode(this: SinkNode, config: NodeDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    node.received = 0;
    node.lastAt = 0;
    node.target = Infinity;
    node.onTarget = null;
    node.reset = (target, onTarget) => {
      node.received = 0;
      node.lastAt = 0;
      node.target = target;
      node.onTarget = onTarget;
    };
    node.on('input', (_msg, _send, done) => {
      node.received += 1;
      node.lastAt = performance.now();
      if (node.received >= node.target && node.onTarget) {
        const callback = node.onTarget;
        node.onTarget = null;
        callback();
      }
      done();
    });
  }
  RED.nodes.registerType('bench-sink', BenchSinkNode);
};

/**
 * The simulated engine: the real management plane over a traffic model, for demos and
 * fleet-scale tests (`portico-agent --engine simulated`, `npm run fleet-sim`).
 */
import { SimulatedEngine, type SimulatedEngineOptions } from './simulated-engine.ts';

export { SimulatedEngine, type SimulatedEngineOptions } from './simulated-engine.ts';
export { DEFAULT_TRAFFIC, type TrafficOptions } from './traffic-model.ts';

export function createSimulatedDataPlane(opts: SimulatedEngineOptions = {}): SimulatedEngine {
  return new SimulatedEngine(opts);
}

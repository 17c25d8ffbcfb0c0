// The ingress table, pure: for every ingress port a service publishes, the engine ports of its tasks that
// serve (running, not unhealthy or still starting its health check, still meant to run).
import { backingPort, ingressPorts, type BoundPorts } from './endpoint.js';
import type { Service } from './types.js';

/** One task container as the engines show it, reduced to what the ingress needs. */
export interface TaskPorts {
  containerId: string;
  serviceId: string;
  /** The engine's address, which the ingress connects to. */
  host: string;
  /** Its NetworkSettings.Ports. */
  bound: BoundPorts;
  /** Running, its health check (if any) passed, its task still desired running. */
  serving: boolean;
}

export interface ServiceRoute {
  protocol: 'tcp' | 'udp';
  port: number;
  service: string;
  backends: { id: string; host: string; port: number }[];
}

/** Routes in the order of the services' ports; a task's backends in container ID order (stable turns). */
export function ingressRoutes(services: readonly Service[], tasks: readonly TaskPorts[]): ServiceRoute[] {
  const byService = new Map<string, TaskPorts[]>();
  for (const t of tasks) {
    if (!t.serving) continue;
    let list = byService.get(t.serviceId);
    if (!list) byService.set(t.serviceId, (list = []));
    list.push(t);
  }
  const routes: ServiceRoute[] = [];
  for (const s of services) {
    const serving = (byService.get(s.ID) ?? []).sort((a, b) => (a.containerId < b.containerId ? -1 : 1));
    for (const p of ingressPorts(s)) {
      if (p.Protocol === 'sctp') continue;
      const backends = serving.flatMap((t) => {
        const port = backingPort(t.bound, p);
        return port === undefined ? [] : [{ id: t.containerId, host: t.host, port }];
      });
      const name = typeof s.Spec['Name'] === 'string' ? s.Spec['Name'] : s.ID;
      routes.push({ protocol: p.Protocol, port: p.PublishedPort, service: name, backends });
    }
  }
  return routes;
}

import {
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { DaemonSet, Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Pod, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { K8sObject } from './render-chart.js';

type Model = new (data: never) => { validate(): void };

// The kinds the chart renders, by apiVersion/kind, with the models generated from the Kubernetes
// (and prometheus-operator) OpenAPI schemas: wrong types and missing required fields fail.
const models: ReadonlyMap<string, Model> = new Map<string, Model>([
  ['v1/ConfigMap', ConfigMap],
  ['v1/Pod', Pod],
  ['v1/Service', Service],
  ['v1/ServiceAccount', ServiceAccount],
  ['apps/v1/Deployment', Deployment],
  ['apps/v1/DaemonSet', DaemonSet],
  ['autoscaling/v2/HorizontalPodAutoscaler', HorizontalPodAutoscaler],
  ['networking.k8s.io/v1/NetworkPolicy', NetworkPolicy],
  ['policy/v1/PodDisruptionBudget', PodDisruptionBudget],
  ['monitoring.coreos.com/v1/ServiceMonitor', ServiceMonitor],
  ['monitoring.coreos.com/v1/PrometheusRule', PrometheusRule],
]);

/** Returns the schema error for the object, or null when it is valid; an unknown kind is an error too. */
export function validateK8sObject(object: K8sObject): string | null {
  const key = `${object.apiVersion}/${object.kind}`;
  const Model = models.get(key);
  if (!Model) return `${key} has no schema in the test: add its model`;
  try {
    new Model(object as never).validate();
    return null;
  } catch (err) {
    return `${key} ${object.metadata.name}: ${(err as Error).message}`;
  }
}

// HTTP & dependencies: what auto-instrumentation records under OpenTelemetry's conventions (semconv/,
// imported by the spec): requests the service handled by route template, its calls to other HTTP
// services by server, its database and cache (Redis) operations, the API metrics the runtime records
// from the HTTP server instrumentation, and the API SLOs over them.
// Metrics come only from the registry.
local g = import 'lib/grafana.libsonnet';
local slo = import 'lib/slo.libsonnet';
local r = import 'registry.libsonnet';

local m = r.metrics;
local q = g.q;
local server = m.http.server_request_duration;
local client = m.http.client_request_duration;
local db = m.db.client_operation_duration;
local pool = m.db.client_connection_count;

local percentiles = [0.5, 0.95, 0.99];
// Status codes of server errors (a regex matcher).
local serverErrors = { http_response_status_code: ['5..'] };
local redis = { db_system_name: 'redis' };

// Requests per second of a histogram, from its _count series.
local calls(h, by=[], matchers={}) = q.sumRate(h, by, matchers, 'count');

// Share of server errors in all requests per `by`; 0 (not "no data") where there were requests and no errors.
local errorRatio(by) =
  '(%s or %s * 0) / %s' % [calls(server, by, serverErrors), calls(server, by), calls(server, by)];

local latencyBy(h, by, title, matchers={}, w=12) = g.latency(h, by, matchers, title=title, quantiles=percentiles, w=w);

g.dashboard(
  uid='ampy-http-dependencies',
  title='AmpyFin / HTTP & dependencies',
  description='What auto-instrumentation records: HTTP requests by route, calls to other services, database and cache operations, and the API SLOs.',
  tags=['http', 'dependencies', 'slo'],
  panels=[
    g.row('HTTP server: requests this service handled'),
    g.stat(
      'Requests',
      '%s Per-second rate over $__rate_interval, all routes. Metric `%s`.' % [server.brief, server.name],
      'reqps',
      [g.target(calls(server), 'total')],
    ),
    g.stat(
      'Server error ratio (5xx)',
      'Share of requests answered with a 5xx status code over $__rate_interval, all routes. Metric `%s`.' % server.name,
      'percentunit',
      [g.target(errorRatio([]), 'total')],
      steps=[{ color: 'green', value: null }, { color: 'orange', value: 0.001 }, { color: 'red', value: 0.01 }],
      decimals=2,
    ),
    g.stat(
      'Request latency p95',
      '%s p95 over $__rate_interval, all routes, from histogram buckets. Metric `%s`.' % [server.brief, server.name],
      server.grafanaUnit,
      [g.target(q.quantile(server, 0.95), 'p95')],
    ),
    g.stat(
      'Outbound calls',
      '%s Per-second rate over $__rate_interval, all servers. Metric `%s`.' % [client.brief, client.name],
      'reqps',
      [g.target(calls(client), 'total')],
    ),
    g.timeseries(
      'Request rate by route',
      '%s Per-second rate by route template and method over $__rate_interval; unknown routes are _other. Metric `%s`.' % [server.brief, server.name],
      'reqps',
      [g.target(calls(server, ['http_route', 'http_request_method']), '{{http_request_method}} {{http_route}}')],
    ),
    g.timeseries(
      'Server error ratio (5xx) by route',
      'Share of requests answered with a 5xx status code by route template over $__rate_interval. Metric `%s`.' % server.name,
      'percentunit',
      [g.target(errorRatio(['http_route']), '{{http_route}}')],
      min=0,
    ),
    latencyBy(server, ['http_route'], 'Request latency p50/p95/p99 by route'),
    g.timeseries(
      'Responses by status code',
      '%s Per-second rate by status code over $__rate_interval. Metric `%s`.' % [server.brief, server.name],
      'reqps',
      [g.target(calls(server, ['http_response_status_code']), '{{http_response_status_code}}')],
      stack=true,
    ),

    g.row('HTTP client: calls to other services'),
    latencyBy(client, ['server_address'], 'Outbound call latency p50/p95/p99 by server'),
    g.timeseries(
      'Outbound calls by server and status code',
      '%s Per-second rate by server and status code over $__rate_interval. Metric `%s`.' % [client.brief, client.name],
      'reqps',
      [g.target(calls(client, ['server_address', 'http_response_status_code']), '{{server_address}} {{http_response_status_code}}')],
    ),

    g.row('Database and cache'),
    latencyBy(db, ['db_system_name', 'db_operation_name'], 'Database operation latency p50/p95/p99 by system and operation'),
    g.timeseries(
      'Database operations by system and operation',
      '%s Per-second rate by system and operation over $__rate_interval. Metric `%s`.' % [db.brief, db.name],
      'ops',
      [g.target(calls(db, ['db_system_name', 'db_operation_name']), '{{db_system_name}} {{db_operation_name}}')],
    ),
    g.timeseries(
      'Cache (Redis) commands by command',
      'Redis commands per second by command over $__rate_interval (ioredis and node-redis). Metric `%s`.' % db.name,
      'ops',
      [g.target(calls(db, ['db_operation_name'], redis), '{{db_operation_name}}')],
    ),
    latencyBy(db, ['db_operation_name'], 'Cache (Redis) command latency p50/p95/p99 by command', matchers=redis),
    g.timeseries(
      'Failed database and cache operations by error type',
      'Operations that ended in an error per second, by system and error type, over $__rate_interval. Metric `%s`.' % db.name,
      'ops',
      [g.target(calls(db, ['db_system_name', 'error_type'], { error_type: ['.+'] }), '{{db_system_name}} {{error_type}}')],
    ),
    g.timeseries(
      'PostgreSQL pool connections by state',
      '%s Summed over instances and pools. Metric `%s`.' % [pool.brief, pool.name],
      'short',
      [g.target(q.sumBy(['db_client_connection_state'], pool.series.value + q.selector({}, pool)), '{{db_client_connection_state}}')],
    ),

    g.row('API: requests by route template, recorded by the HTTP server instrumentation'),
    g.counterRate(m.api.requests, ['route', 'status_class'], title='API requests by route and status class', stack=true),
    g.latency(m.api.request_latency_ms, ['route'], title='API latency p95/p99 by route'),
  ]
  + slo.panels(r.slos['api-availability'])
  + slo.panels(r.slos['api-latency']),
)

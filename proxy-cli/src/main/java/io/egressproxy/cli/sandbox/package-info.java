/**
 * The sandbox launcher behind {@code egress-proxy sandbox run|ls|rm|exec|logs}: pure functions that
 * build each {@code docker} argv ({@link io.egressproxy.cli.sandbox.DockerArgs},
 * {@link io.egressproxy.cli.sandbox.DockerSandboxArgs}, {@link io.egressproxy.cli.sandbox.FirewallArgs}),
 * the one class that runs them ({@link io.egressproxy.cli.sandbox.DockerCli}), and the orchestration
 * with rollback ({@link io.egressproxy.cli.sandbox.SandboxLauncher}). Nothing here touches proxy-core's
 * internals: the running proxy is reached only through its admin API ({@link io.egressproxy.cli.sandbox.ProxyAdmin}).
 */
package io.egressproxy.cli.sandbox;

/**
 * {@code tlsrpt run}: the whole pipeline on one machine, in one process, on 127.0.0.1.
 *
 * <ul>
 *   <li>{@link io.tlsrpt.cli.run.LocalRun}: one run from start to Ctrl-C (what is printed, seeding, stopping);</li>
 *   <li>{@link io.tlsrpt.cli.run.RunSettings}: what to start and where (data directory, ports, external parts);</li>
 *   <li>{@link io.tlsrpt.cli.run.DataLayout}: where each part keeps its state under the data directory;</li>
 *   <li>{@link io.tlsrpt.cli.run.LocalPipeline}: starts broker, stream processor, notifier, alert console and
 *       Connect worker in that order and closes them in the reverse one (connector first, broker last);</li>
 *   <li>{@link io.tlsrpt.cli.run.IntakeWorker}: the in-process Kafka Connect worker running the ingest connector
 *       (HTTPS endpoint and spool directory);</li>
 *   <li>{@link io.tlsrpt.cli.run.IntakeTls}: the self-signed key pair of the local HTTPS endpoint, made once;</li>
 *   <li>{@link io.tlsrpt.cli.run.AlertConsole} and {@link io.tlsrpt.cli.run.AlertLine}: one readable line per
 *       alert, resuming after the last one shown (a consumer group);</li>
 *   <li>{@link io.tlsrpt.cli.run.Seeder}: a generated month of traffic with a STARTTLS downgrade, through the real
 *       intake (POSTs and spool files), once per data directory;</li>
 *   <li>{@link io.tlsrpt.cli.run.FixedSchemaIds}: pins the in-process registry's schema ids so that data written
 *       before a restart stays readable after it.</li>
 * </ul>
 */
package io.tlsrpt.cli.run;

package io.tlsrpt.reliability;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;

/**
 * A broker quota on the producer of a connector's task 0 ({@code connector-producer-<connector>-0}): it slows the
 * delivery down so that a fault lands while records are flowing, without touching the connector.
 */
final class TaskProducerQuota {

    private TaskProducerQuota() {
    }

    static void limit(Map<String, Object> clientProperties, String connector, double bytesPerSecond)
            throws ExecutionException, InterruptedException, TimeoutException {
        alter(clientProperties, connector, bytesPerSecond);
    }

    /** Removes the quota (the task then produces at full speed). */
    static void lift(Map<String, Object> clientProperties, String connector)
            throws ExecutionException, InterruptedException, TimeoutException {
        alter(clientProperties, connector, null);
    }

    private static void alter(Map<String, Object> clientProperties, String connector, Double bytesPerSecond)
            throws ExecutionException, InterruptedException, TimeoutException {
        ClientQuotaEntity task = new ClientQuotaEntity(
                Map.of(ClientQuotaEntity.CLIENT_ID, "connector-producer-" + connector + "-0"));
        try (Admin admin = Admin.create(clientProperties)) {
            admin.alterClientQuotas(List.of(new ClientQuotaAlteration(task,
                    List.of(new ClientQuotaAlteration.Op("producer_byte_rate", bytesPerSecond))))).all()
                    .get(30, TimeUnit.SECONDS);
        }
    }
}

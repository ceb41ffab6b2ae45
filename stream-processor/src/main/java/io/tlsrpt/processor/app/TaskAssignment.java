package io.tlsrpt.processor.app;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.processor.TaskId;

/**
 * The tasks an instance holds, active and standby, over its stream threads, in task id order ({@code 1_0}: the
 * sub-topology, then the partition): for the log line at each start of processing. Only tasks with state stores
 * have standby copies.
 */
record TaskAssignment(List<String> active, List<String> standby) {

    static TaskAssignment of(Collection<ThreadMetadata> threads) {
        return new TaskAssignment(ids(threads, ThreadMetadata::activeTasks),
                ids(threads, ThreadMetadata::standbyTasks));
    }

    private static List<String> ids(Collection<ThreadMetadata> threads,
                                    Function<ThreadMetadata, Set<TaskMetadata>> tasks) {
        return threads.stream().flatMap(thread -> tasks.apply(thread).stream())
                .map(TaskMetadata::taskId).sorted().map(TaskId::toString).toList();
    }

    @Override
    public String toString() {
        return "active " + active + ", standby " + standby;
    }
}

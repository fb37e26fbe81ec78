package io.vyre.flink.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.RichSourceReaderContext;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.streaming.runtime.operators.sink.InitContextBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GPUs Flink's external resource framework assigned to this task manager ({@code external-resources: gpu}
 * with the GPU driver, as docker-compose.yml configures it): the {@code index} property of each
 * {@code getExternalResourceInfos("gpu")} entry. When there are some, a subtask's tenant goes to one of
 * them; otherwise to the configured devices or, with none configured, the visible ones.
 *
 * <p>Source and sink contexts do not declare the runtime context in Flink 2.3; the source reader's context
 * is a {@link RichSourceReaderContext} and the sink writer's an {@link InitContextBase}, both of which carry
 * it. A context of another kind (a test harness) has no external resources.
 */
@Internal
public final class GpuResources {
    private static final Logger LOG = LoggerFactory.getLogger(GpuResources.class);
    /** The resource name the connector looks up, as in {@code external-resources: gpu}. */
    public static final String RESOURCE = "gpu";

    private GpuResources() {
    }

    public static List<Integer> of(SourceReaderContext context) {
        return context instanceof RichSourceReaderContext rich ? of(runtime(rich)) : List.of();
    }

    public static List<Integer> of(WriterInitContext context) {
        return context instanceof InitContextBase base ? of(Optional.ofNullable(base.getRuntimeContext()))
            : List.of();
    }

    private static Optional<RuntimeContext> runtime(RichSourceReaderContext context) {
        try {
            return Optional.ofNullable(context.getRuntimeContext());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static List<Integer> of(Optional<RuntimeContext> runtime) {
        if (runtime.isEmpty()) {
            return List.of();
        }
        List<Integer> devices = indexes(runtime.get().getExternalResourceInfos(RESOURCE));
        if (!devices.isEmpty()) {
            LOG.info("GPUs assigned by Flink's external resource framework: {}", devices);
        }
        return devices;
    }

    /**
     * The device ordinals of the infos' {@code index} properties, in order.
     *
     * @throws IllegalArgumentException naming the entry when an index is not a non-negative integer
     */
    static List<Integer> indexes(Set<ExternalResourceInfo> infos) {
        List<Integer> devices = new ArrayList<>();
        for (ExternalResourceInfo info : infos == null ? Set.<ExternalResourceInfo>of() : infos) {
            String index = info.getProperty("index").orElse(null);
            if (index == null) {
                throw new IllegalArgumentException("external resource '" + RESOURCE + "' entry " + describe(info)
                    + " has no 'index' property: configure Flink's GPU driver (external-resource.gpu.driver-factory"
                    + ".class: org.apache.flink.externalresource.gpu.GPUDriverFactory)");
            }
            try {
                int ordinal = Integer.parseInt(index.trim());
                if (ordinal < 0) {
                    throw new NumberFormatException(index);
                }
                devices.add(ordinal);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("external resource '" + RESOURCE + "' entry " + describe(info)
                    + " has index '" + index + "', which is not a device ordinal", e);
            }
        }
        devices.sort(null);
        return devices;
    }

    private static String describe(ExternalResourceInfo info) {
        Collection<String> keys = info.getKeys();
        List<String> pairs = new ArrayList<>();
        for (String k : keys) {
            pairs.add(k + "=" + info.getProperty(k).orElse(""));
        }
        return pairs.toString();
    }
}

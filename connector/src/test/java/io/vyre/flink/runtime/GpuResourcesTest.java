package io.vyre.flink.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.connector.source.RichSourceReaderContext;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.Test;

/** GPUs from Flink's external resource framework: parsed from the GPU driver's infos and used for the tenant's device. */
class GpuResourcesTest {

    /** What Flink's GPU driver reports per GPU: one property, "index". */
    private static ExternalResourceInfo gpu(Map<String, String> properties) {
        return new ExternalResourceInfo() {
            @Override
            public Optional<String> getProperty(String key) {
                return Optional.ofNullable(properties.get(key));
            }

            @Override
            public java.util.Collection<String> getKeys() {
                return properties.keySet();
            }
        };
    }

    private static Set<ExternalResourceInfo> gpus(String... indexes) {
        Set<ExternalResourceInfo> infos = new LinkedHashSet<>();
        for (String i : indexes) {
            infos.add(gpu(Map.of("index", i)));
        }
        return infos;
    }

    @Test
    void shouldReadTheDeviceOrdinalsInOrder() {
        assertThat(GpuResources.indexes(gpus("3", "1"))).containsExactly(1, 3);
        assertThat(GpuResources.indexes(Set.of())).isEmpty();
    }

    @Test
    void shouldNameTheEntryAndTheFixForAnInfoWithoutAnIndex() {
        assertThatThrownBy(() -> GpuResources.indexes(Set.of(gpu(Map.of("uuid", "GPU-1")))))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("uuid=GPU-1")
            .hasMessageContaining("GPUDriverFactory");
        assertThatThrownBy(() -> GpuResources.indexes(gpus("x"))).hasMessageContaining("index 'x'");
    }

    @Test
    void shouldTakeTheGpusOfTheReadersRuntimeContextAndPreferThemToConfiguredDevices() {
        RuntimeContext runtime = (RuntimeContext) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {RuntimeContext.class}, (proxy, method, args) -> {
                if (method.getName().equals("getExternalResourceInfos")) {
                    return GpuResources.RESOURCE.equals(args[0]) ? gpus("1", "0") : Set.of();
                }
                throw new UnsupportedOperationException(method.getName());
            });
        RichSourceReaderContext context = new ReaderContext();
        context.setRuntimeContext(runtime);

        List<Integer> assigned = GpuResources.of(context);
        assertThat(assigned).containsExactly(0, 1);
        VyreRuntimeSettings settings = VyreRuntimeSettings.defaults().devices(List.of(5));
        assertThat(settings.toContext("s", 0, List.of(), assigned).devices()).containsExactly(0, 1);
        assertThat(settings.toContext("s", 0, List.of(), List.of()).devices()).containsExactly(5);
    }

    @Test
    void shouldFindNoGpusInAContextWithoutARuntimeContext() {
        assertThat(GpuResources.of(new ReaderContext())).isEmpty();
    }

    /** A reader context as Flink 2.3's SourceOperator makes one: a RichSourceReaderContext. */
    private static final class ReaderContext extends RichSourceReaderContext {
        @Override
        public SourceReaderMetricGroup metricGroup() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Configuration getConfiguration() {
            return new Configuration();
        }

        @Override
        public String getLocalHostName() {
            return "localhost";
        }

        @Override
        public int getIndexOfSubtask() {
            return 0;
        }

        @Override
        public void sendSplitRequest() {
        }

        @Override
        public void sendSourceEventToCoordinator(SourceEvent sourceEvent) {
        }

        @Override
        public UserCodeClassLoader getUserCodeClassLoader() {
            throw new UnsupportedOperationException();
        }
    }
}

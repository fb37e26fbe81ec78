package io.vyre.flink.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.util.FileUtils;

/**
 * A standalone Flink session cluster as separate JVM processes on loopback, started the way Flink's
 * scripts start them: {@code StandaloneSessionClusterEntrypoint} for the JobManager and
 * {@code TaskManagerRunner} for each TaskManager, with the JVM memory options {@code BashJavaUtils}
 * computes from {@code config.yaml}. Every process logs to its own file under the work folder.
 */
final class StandaloneCluster implements AutoCloseable {
    private static final String ENTRYPOINT = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
    /** ZooKeeper's server as Flink ships it (flink-shaded-zookeeper-3, a dependency of flink-runtime). */
    private static final String ZOOKEEPER = "org.apache.flink.shaded.zookeeper3.org.apache.zookeeper.server.ZooKeeperServerMain";

    private final Path work;
    private final Path conf;
    private final String classpath;
    private final List<String> jvmFlags;
    private final int restPort;
    private final Process zooKeeper;
    private Process jobManager;
    private int jobManagers;
    private final Map<String, Process> taskManagers = new LinkedHashMap<>();

    StandaloneCluster(Path work, String classpath, String jvmFlags, int taskManagerCount, int slotsPerTaskManager)
        throws IOException, InterruptedException {
        this(work, classpath, jvmFlags, taskManagerCount, slotsPerTaskManager, false);
    }

    /**
     * @param highAvailability ZooKeeper high availability (a ZooKeeper server in its own JVM, HA metadata and
     *                         checkpoints in folders under {@code work}): a JobManager that dies can be replaced
     *                         by a new one ({@link #killJobManager}, {@link #startJobManager}), which recovers the
     *                         running jobs from their last checkpoints
     */
    StandaloneCluster(Path work, String classpath, String jvmFlags, int taskManagerCount, int slotsPerTaskManager,
                      boolean highAvailability) throws IOException, InterruptedException {
        FileUtils.deleteDirectory(work.toFile());
        this.work = Files.createDirectories(work);
        this.conf = Files.createDirectories(work.resolve("conf"));
        this.classpath = classpath;
        this.jvmFlags = Arrays.stream(jvmFlags.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        this.restPort = freePort();
        int zooKeeperPort = highAvailability ? freePort() : -1;
        writeConfig(slotsPerTaskManager, zooKeeperPort);
        // whatever happens to the test JVM, the cluster's JVMs go with it
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants()
            .forEach(ProcessHandle::destroyForcibly), "stop-standalone-cluster"));
        this.zooKeeper = highAvailability ? startZooKeeper(zooKeeperPort) : null;
        try {
            startJobManager();
            for (int i = 1; i <= taskManagerCount; i++) {
                String id = "tm-" + i;
                taskManagers.put(id, start(id, resourceParams("GET_TM_RESOURCE_PARAMS"), TASK_MANAGER,
                    List.of("-D", "taskmanager.resource-id=" + id)));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    int restPort() {
        return restPort;
    }

    /** The JVM flags every process of the cluster starts with. */
    List<String> jvmFlags() {
        return jvmFlags;
    }

    Path work() {
        return work;
    }

    private void writeConfig(int slots, int zooKeeperPort) throws IOException {
        List<String> highAvailability = zooKeeperPort < 0 ? List.of() : List.of(
            "high-availability.type: zookeeper",
            "high-availability.zookeeper.quorum: 127.0.0.1:" + zooKeeperPort,
            "high-availability.storageDir: file://" + work.resolve("ha"),
            "high-availability.cluster-id: /vyre-e2e",
            // a dead leader's ZooKeeper session (and so its leadership) ends after this, not the default 60 s
            "high-availability.zookeeper.client.session-timeout: 6000",
            "high-availability.zookeeper.client.connection-timeout: 3000",
            // a connection that stalls briefly on a busy machine keeps the leadership; only a session that ends loses it
            "high-availability.zookeeper.client.tolerate-suspended-connections: true",
            "execution.checkpointing.dir: file://" + work.resolve("checkpoints"));
        String yaml = String.join("\n",
            "jobmanager.rpc.address: localhost",
            "jobmanager.rpc.port: " + freePort(),
            "jobmanager.bind-host: localhost",
            "jobmanager.memory.process.size: 1024m",
            "taskmanager.host: localhost",
            "taskmanager.bind-host: localhost",
            "taskmanager.numberOfTaskSlots: " + slots,
            "taskmanager.memory.process.size: 1600m",
            // each Vyre subtask's runtime holds its lanes, ring and IO queue in direct memory (~100 MiB
            // for a scan source and its sink at the default 4 lanes of 4 MiB): two slots' worth
            "taskmanager.memory.task.off-heap.size: 320m",
            "taskmanager.memory.managed.size: 64m",
            "taskmanager.load-balance.mode: SLOTS",
            "rest.address: 127.0.0.1",
            "rest.bind-address: 127.0.0.1",
            "rest.port: " + restPort,
            "web.submit.enable: true",
            "web.upload.dir: " + work.resolve("uploads"),
            "io.tmp.dirs: " + work.resolve("tmp"),
            // notice a killed TaskManager within seconds instead of the default 50 (with room for a slow CI machine)
            "heartbeat.interval: 1000",
            "heartbeat.timeout: 8000",
            "");
        Files.writeString(conf.resolve("config.yaml"), yaml + String.join("\n", highAvailability) + "\n");
        Files.createDirectories(work.resolve("uploads"));
        Files.createDirectories(work.resolve("tmp"));
        Files.writeString(conf.resolve("log4j.properties"), String.join("\n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = file",
            "appender.file.type = File",
            "appender.file.name = file",
            "appender.file.fileName = ${sys:log.file}",
            "appender.file.layout.type = PatternLayout",
            "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-40c{1} - %m%n",
            ""));
    }

    /** The JVM options and dynamic properties Flink's scripts would pass, from BashJavaUtils. */
    private List<String> resourceParams(String command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-cp", classpath, BASH_JAVA_UTILS, command, "--configDir",
            conf.toString()));
        Path log = work.resolve(command + ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (!done || p.exitValue() != 0) {
            throw new IllegalStateException(command + (done ? " failed" : " did not finish in 60 s") + ":\n" + output);
        }
        List<String> results = output.lines().filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
            .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).trim()).toList();
        if (results.isEmpty()) {
            throw new IllegalStateException(command + " printed no result:\n" + output);
        }
        List<String> params = new ArrayList<>();
        // first result: JVM options (-Xmx ...); second (TaskManagers): dynamic properties (-D k=v ...)
        for (String r : results) {
            params.addAll(Arrays.asList(r.split("\\s+")));
        }
        return params;
    }

    private Process start(String name, List<String> resourceParams, String mainClass, List<String> extraArgs)
        throws IOException {
        List<String> jvm = new ArrayList<>();
        List<String> dynamic = new ArrayList<>();
        for (int i = 0; i < resourceParams.size(); i++) {
            String p = resourceParams.get(i);
            if (p.equals("-D") && i + 1 < resourceParams.size()) {
                dynamic.add(p);
                dynamic.add(resourceParams.get(++i));
            } else if (!p.isEmpty()) {
                jvm.add(p);
            }
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(jvmFlags);
        cmd.addAll(jvm);
        cmd.add("-Dlog.file=" + work.resolve(name + ".log"));
        cmd.add("-Dlog4j.configurationFile=file:" + conf.resolve("log4j.properties"));
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.add("--configDir");
        cmd.add(conf.toString());
        cmd.addAll(dynamic);
        cmd.addAll(extraArgs);
        return new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(work.resolve(name + ".out").toFile()).start();
    }

    private Process startZooKeeper(int port) throws IOException, InterruptedException {
        Path data = Files.createDirectories(work.resolve("zookeeper"));
        Process zk = new ProcessBuilder(java(), "-Dzookeeper.admin.enableServer=false", "-cp", classpath, ZOOKEEPER,
                Integer.toString(port), data.toString())
            .redirectErrorStream(true).redirectOutput(work.resolve("zookeeper.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                return zk;
            } catch (IOException notYet) {
                if (!zk.isAlive()) {
                    throw new IllegalStateException("ZooKeeper exited:\n" + Files.readString(work.resolve("zookeeper.out")));
                }
                Thread.sleep(100);
            }
        }
        zk.destroyForcibly();
        throw new IllegalStateException("ZooKeeper did not listen on " + port + " within 60 s");
    }

    /** Starts a JobManager (the first, or one that replaces a killed one: its log is jobmanager-N.log). */
    void startJobManager() throws IOException, InterruptedException {
        if (jobManager != null && jobManager.isAlive()) {
            throw new IllegalStateException("a JobManager runs already");
        }
        String name = jobManagers++ == 0 ? "jobmanager" : "jobmanager-" + jobManagers;
        jobManager = start(name, resourceParams("GET_JM_RESOURCE_PARAMS"), ENTRYPOINT, List.of());
    }

    /** SIGKILL of the JobManager. */
    void killJobManager() throws InterruptedException {
        jobManager.destroyForcibly();
        jobManager.waitFor(30, TimeUnit.SECONDS);
    }

    /** Starts one more TaskManager with resource id {@code id} (a replacement for one that died). */
    void startTaskManager(String id) throws IOException, InterruptedException {
        if (taskManagers.containsKey(id)) {
            throw new IllegalArgumentException("TaskManager " + id + " exists already");
        }
        taskManagers.put(id, start(id, resourceParams("GET_TM_RESOURCE_PARAMS"), TASK_MANAGER,
            List.of("-D", "taskmanager.resource-id=" + id)));
    }

    /** SIGKILL, as when a machine or container dies: no shutdown hooks, no goodbye to the JobManager. */
    void kill(String taskManagerId) throws InterruptedException {
        Process p = taskManagers.get(taskManagerId);
        if (p == null) {
            throw new IllegalArgumentException("no TaskManager " + taskManagerId + " (have " + taskManagers.keySet() + ")");
        }
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    boolean alive(String taskManagerId) {
        return taskManagers.get(taskManagerId).isAlive();
    }

    /** Each TaskManager's log file, by id. */
    Map<String, Path> taskManagerLogs() {
        Map<String, Path> logs = new LinkedHashMap<>();
        for (String id : taskManagers.keySet()) {
            logs.put(id, work.resolve(id + ".log"));
        }
        return logs;
    }

    /** The last lines of every process's log, for a failure message. */
    String logTails() {
        StringBuilder b = new StringBuilder();
        try (var files = Files.list(work)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".out")).sorted()
                .toList()) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                b.append("---- ").append(f.getFileName()).append('\n');
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> b.append(l).append('\n'));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toString();
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : taskManagers.values()) {
            p.destroy();
        }
        jobManager.destroy();
        for (Process p : taskManagers.values()) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (!jobManager.waitFor(20, TimeUnit.SECONDS)) {
            jobManager.destroyForcibly();
        }
        if (zooKeeper != null) {
            zooKeeper.destroyForcibly();
            zooKeeper.waitFor(20, TimeUnit.SECONDS);
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

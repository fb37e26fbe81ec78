package io.vyre.runtime.testing;

import java.util.List;
import java.util.stream.Collectors;

/** Finds threads the runtime started ("vyre-" prefixed) that are still alive: the leak check's other half. */
public final class RuntimeThreads {
    private RuntimeThreads() {
    }

    public static List<String> alive() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .map(Thread::getName)
            .filter(n -> n.startsWith("vyre-"))
            .collect(Collectors.toList());
    }
}

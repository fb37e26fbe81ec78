package io.vyre.runtime.backend;

/** How the CPU megakernel runs MATCH over literal sets. The results are the same; the speed is not. */
public enum MatchEngine {
    /** Vectorscan where its native library runs, else the Java DFA (logged once, shown as the engine metric). */
    AUTO,
    /** Vectorscan (Hyperscan's portable fork): fails at start-up, with the reason, where it cannot run. */
    VECTORSCAN,
    /** The Java Aho-Corasick DFA: the reference semantics, everywhere. */
    JAVA_DFA
}

package io.vyre.flink;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The Flink glue talks to the runtime through its facade, never to a backend's insides. */
@AnalyzeClasses(packages = "io.vyre.flink", importOptions = ImportOption.DoNotIncludeTests.class)
class ConnectorArchitectureTest {

    @ArchTest
    static final ArchRule noBackendInternals = noClasses()
        .should().dependOnClassesThat().resideInAnyPackage("jcuda..", "io.vyre.runtime.backend.cuda..",
            "io.vyre.runtime.backend.cpu..")
        .because("a subtask picks its backend through settings; the runtime facade hides which one runs");

    @ArchTest
    static final ArchRule splitsAndStateKnowNoRuntime = noClasses()
        .that().resideInAnyPackage("io.vyre.flink.source.split..", "io.vyre.flink.source.enumerator..")
        .or().haveSimpleNameStartingWith("VyreCommitt")
        .should().dependOnClassesThat().resideInAnyPackage("io.vyre.runtime..")
        .because("checkpointed state must restore on a task manager whatever its GPU");
}

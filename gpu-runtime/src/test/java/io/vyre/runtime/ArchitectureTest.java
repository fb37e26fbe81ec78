package io.vyre.runtime;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The layering the package names promise. */
@AnalyzeClasses(packages = "io.vyre.runtime", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule onlyTheCudaBackendTouchesJcuda = noClasses()
        .that().resideOutsideOfPackage("io.vyre.runtime.backend.cuda..")
        .should().dependOnClassesThat().resideInAPackage("jcuda..")
        .because("JCuda is the CUDA backend's private dependency; everything else must run without it");

    @ArchTest
    static final ArchRule onlyTheVectorscanPackageTouchesNativeBindings = noClasses()
        .that().resideOutsideOfPackage("io.vyre.runtime.backend.cpu.vectorscan..")
        .should().dependOnClassesThat().resideInAnyPackage("com.gliwka..", "org.bytedeco..")
        .because("Vectorscan is one MATCH engine of the CPU backend; the Java DFA runs where it cannot load");

    @ArchTest
    static final ArchRule protocolDependsOnNothingAbove = noClasses()
        .that().resideInAPackage("io.vyre.runtime.protocol..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vyre.runtime.bytecode..", "io.vyre.runtime.backend..",
            "io.vyre.runtime.io..", "io.vyre.runtime.memory..", "io.vyre.runtime.program..")
        .because("the word layouts are the bottom layer, shared with the CUDA kernel");

    @ArchTest
    static final ArchRule bytecodeIsIndependentOfExecution = noClasses()
        .that().resideInAPackage("io.vyre.runtime.bytecode..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vyre.runtime.backend..", "io.vyre.runtime.io..",
            "io.vyre.runtime.memory..", "io.vyre.runtime.program..")
        .because("VIR0 is a format: encoding, validation and assembly run without a runtime");

    @ArchTest
    static final ArchRule ioPumpKnowsNoBackend = noClasses()
        .that().resideInAPackage("io.vyre.runtime.io..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vyre.runtime.backend..", "io.vyre.runtime.bytecode..")
        .because("the pump serves the IO queue whatever kernel posts to it");

    @ArchTest
    static final ArchRule backendsDoNotKnowEachOther = noClasses()
        .that().resideInAPackage("io.vyre.runtime.backend.cpu..")
        .should().dependOnClassesThat().resideInAPackage("io.vyre.runtime.backend.cuda..");

    @ArchTest
    static final ArchRule nothingBelowTheFacadeUsesIt = noClasses()
        .that().resideInAnyPackage("io.vyre.runtime.protocol..", "io.vyre.runtime.bytecode..", "io.vyre.runtime.io..",
            "io.vyre.runtime.memory..", "io.vyre.runtime.program..", "io.vyre.runtime.dfa..")
        .should().dependOnClassesThat().resideInAPackage("io.vyre.runtime")
        .because("the VyreRuntime facade sits on top");
}

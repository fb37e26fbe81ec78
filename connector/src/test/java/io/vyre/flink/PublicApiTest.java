package io.vyre.flink;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The connector's API as Flink marks APIs: every public class says whether users may build on it
 * ({@link PublicEvolving}) or not ({@link Internal}), and the public API exposes of the runtime only the types
 * it exports deliberately: the backend and IO path choices, and VIR0 programs and expressions for users who
 * write their own.
 */
@AnalyzeClasses(packages = "io.vyre.flink", importOptions = ImportOption.DoNotIncludeTests.class)
class PublicApiTest {
    static final Set<String> EXPORTED_RUNTIME_TYPES = Set.of("io.vyre.runtime.backend.BackendKind",
        "io.vyre.runtime.io.IoPath", "io.vyre.runtime.bytecode.Vir0Program", "io.vyre.runtime.bytecode.expr.Expr");

    @ArchTest
    static final ArchRule everyPublicClassIsMarked = classes().that().arePublic().and().areTopLevelClasses()
        .should().beAnnotatedWith(PublicEvolving.class).orShould().beAnnotatedWith(Internal.class);

    @ArchTest
    static final ArchRule publicApiExposesOnlyExportedRuntimeTypes = codeUnits().that()
        .areDeclaredInClassesThat().areAnnotatedWith(PublicEvolving.class).and().arePublic()
        .and().areNotAnnotatedWith(Internal.class)
        .should(new ArchCondition<JavaCodeUnit>("take and return only JDK, Flink, connector and exported runtime types") {
            @Override
            public void check(JavaCodeUnit unit, ConditionEvents events) {
                if (!unit.getOwner().getModifiers().contains(JavaModifier.PUBLIC)) {
                    return;
                }
                List<JavaClass> types = new ArrayList<>(unit.getRawParameterTypes());
                types.add(unit.getRawReturnType());
                for (JavaClass t : types) {
                    JavaClass base = t.isArray() ? t.getBaseComponentType() : t;
                    if (base.getPackageName().startsWith("io.vyre.runtime")
                        && !EXPORTED_RUNTIME_TYPES.contains(base.getName())) {
                        events.add(SimpleConditionEvent.violated(unit, unit.getFullName() + " exposes the runtime's "
                            + base.getName() + ": mark it @Internal, or export the type deliberately"));
                    }
                }
            }
        });
}

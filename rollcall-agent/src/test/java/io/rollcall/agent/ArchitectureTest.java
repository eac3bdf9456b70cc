package io.rollcall.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of the whole code base (README, "Layout"; each package's package-info says
 * its own), checked on the compiled main classes of every module the agent's tests can see: core,
 * the simulator, the Micrometer binding and the agent. A rule broken here is a design decision
 * undone, not a style nit: fix the dependency, or change the rule on purpose in the same commit.
 *
 * <p>It lives in the agent's tests because only there are all those modules on one class path.
 */
class ArchitectureTest {
    private static final String CORE = "io.rollcall.core..";
    private static final String ENGINE = "io.rollcall.core.engine..";

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // No DO_NOT_INCLUDE_JARS: in a reactor `verify` the other modules reach this test as
                // their packaged jars, not as class directories.
                .importPackages("io.rollcall");
        // The rules below would pass vacuously on an empty import (e.g. a changed class path).
        for (String pkg : List.of("io.rollcall", "io.rollcall.core.engine", "io.rollcall.core.codec",
                "io.rollcall.sim", "io.rollcall.agent", "io.rollcall.micrometer")) {
            if (classes.stream().noneMatch(c -> c.getPackageName().equals(pkg))) {
                throw new AssertionError("ArchitectureTest imported no class of " + pkg);
            }
        }
    }

    @Test
    void engineImportsNoIoThreadsOrSystemClock() {
        DescribedPredicate<JavaClass> engineClass = JavaClass.Predicates.resideInAPackage(ENGINE);
        check(noClasses().that(engineClass)
                .should().dependOnClassesThat().resideInAnyPackage(
                        "java.io..", "java.net..", "java.nio.channels..", "java.nio.file..",
                        "java.util.concurrent..", "java.lang.ref..")
                .orShould().dependOnClassesThat().belongToAnyOf(
                        Thread.class, ThreadLocal.class, Runtime.class, java.util.Timer.class,
                        java.util.Random.class, java.time.Clock.class)
                .because("the engine is sans-I/O: time, randomness and I/O are injected (docs/MODEL.md)"));
        check(noClasses().that(engineClass)
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethodWhere(DescribedPredicate.describe("a now() of java.time",
                        call -> call.getTargetOwner().getPackageName().equals("java.time")
                                && call.getName().equals("now")))
                .orShould().callMethod(Math.class, "random")
                .because("the engine reads time only from its injected Clock"));
    }

    @Test
    void coreHasOneClock() {
        // The engine's Clock is the one time abstraction; its system implementation is the transport's
        // SystemClock. Elsewhere in core a thread may bound its own wait with nanoTime (the view's
        // subscriber hand-off), but no one reads wall time or builds a java.time clock of its own.
        check(noClasses().that().resideInAPackage(CORE)
                .and().resideOutsideOfPackage("io.rollcall.core.transport..")
                .should().dependOnClassesThat().belongToAnyOf(java.time.Clock.class, java.time.InstantSource.class)
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethodWhere(DescribedPredicate.describe("a now() of java.time",
                        call -> call.getTargetOwner().getPackageName().equals("java.time")
                                && call.getName().equals("now")))
                .because("time reaches core through the one injected Clock; the system clock lives in the transport"));
    }

    @Test
    void networkCoordinatesArePureValues() {
        check(noClasses().that().resideInAPackage("io.rollcall.core.coordinate..")
                .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.net..", "java.nio..",
                        "java.util.concurrent..", "java.time..", "io.rollcall.core.engine..", "io.rollcall.core.codec..",
                        "io.rollcall.core.serf..", "io.rollcall.core.transport..", "io.rollcall.core.node..")
                .orShould().dependOnClassesThat().belongToAnyOf(Thread.class, java.util.Random.class,
                        java.security.SecureRandom.class)
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(Math.class, "random")
                .because("a Vivaldi client is a value fed round trips: no I/O, no clock, randomness injected"));
    }

    @Test
    void serfSemanticsTakesItsRandomnessInjected() {
        check(noClasses().that().resideInAnyPackage(ENGINE, "io.rollcall.core.serf..")
                .should().dependOnClassesThat().belongToAnyOf(java.util.Random.class,
                        java.util.concurrent.ThreadLocalRandom.class, java.security.SecureRandom.class)
                .orShould().callMethod(Math.class, "random")
                .because("every random choice comes from the injected RandomGenerator, so a seed reproduces a run"));
    }

    @Test
    void codecKnowsNoEngineState() {
        check(noClasses().that().resideInAPackage("io.rollcall.core.codec..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        ENGINE, "io.rollcall.core.transport..", "io.rollcall.core.view..", "io.rollcall.core.serf..")
                .orShould().dependOnClassesThat().resideInAPackage("io.rollcall")
                .because("the codec turns bytes into message records and back, nothing more"));
    }

    @Test
    void publicPackageExposesNoCoreType() {
        check(ArchRuleDefinition.classes().that().resideInAPackage("io.rollcall").and().arePublic()
                .should(exposeNoTypeFrom("io.rollcall.core"))
                .because("io.rollcall is the only exported package: a core type in its signatures would leak implementation"));
    }

    @Test
    void transportIsOnlyTheDriver() {
        check(noClasses().that().resideInAPackage("io.rollcall.core.transport..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.rollcall.core.serf..", "io.rollcall.core.node..", "io.rollcall.core.view..")
                .orShould().dependOnClassesThat().resideInAPackage("io.rollcall")
                .because("the transport is the UDP/TCP driver of an engine; core.node assembles it with Serf and the listeners"));
        check(noClasses().that().resideOutsideOfPackages("io.rollcall", "io.rollcall.core.node..")
                .should().dependOnClassesThat().resideInAPackage("io.rollcall.core.node..")
                .because("the live node's assembly is the public Rollcall's to use, nobody else's"));
    }

    @Test
    void simulatorUsesNoTransport() {
        check(noClasses().that().resideInAPackage("io.rollcall.sim..")
                .should().dependOnClassesThat().resideInAPackage("io.rollcall.core.transport..")
                .because("the simulator drives the same engine through its own deterministic network"));
    }

    @Test
    void agentUsesOnlyThePublicApi() {
        check(noClasses().that().resideInAPackage("io.rollcall.agent..")
                .should().dependOnClassesThat().resideInAPackage(CORE)
                .because("the agent is a user of the library like any other: io.rollcall is its API"));
    }

    @Test
    void noPackageCycles() {
        // One slice per package, the public package io.rollcall included ("io.rollcall.(**)" would leave it out).
        check(slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String pkg = javaClass.getPackageName();
                return pkg.equals("io.rollcall") || pkg.startsWith("io.rollcall.")
                        ? SliceIdentifier.of(pkg) : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "every package under io.rollcall";
            }
        }).should().beFreeOfCycles()
                // Frozen, may only shrink: core's view adapts engine notifications into the public
                // view types (ClusterMember, MembershipChange, MembershipView, Catchup, Subscription)
                // and serves the public listener and Flow interfaces. It is the API's implementation
                // for two front ends in two modules, the public Rollcall and the testkit's TestNode,
                // so it cannot be package-private in io.rollcall; making it public there would put
                // core types (Clock, Notification) into the API's signatures, and making it generic
                // over the public types would hide what it builds behind type parameters.
                .ignoreDependency(JavaClass.Predicates.resideInAPackage("io.rollcall.core.view"),
                        JavaClass.Predicates.resideInAPackage("io.rollcall")));
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }

    /** Public members' signatures (and the class's own supertypes) name no type under {@code prefix}. */
    private static ArchCondition<JavaClass> exposeNoTypeFrom(String prefix) {
        return new ArchCondition<>("expose no type from " + prefix + " in a public signature") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                List<String> leaks = new ArrayList<>();
                type.getRawSuperclass().ifPresent(s -> leak(leaks, prefix, "extends", s));
                type.getRawInterfaces().forEach(i -> leak(leaks, prefix, "implements", i));
                for (JavaMember member : type.getMembers()) {
                    if (!member.getModifiers().contains(JavaModifier.PUBLIC)
                            && !member.getModifiers().contains(JavaModifier.PROTECTED)) {
                        continue;
                    }
                    List<JavaType> signature = new ArrayList<>();
                    if (member instanceof JavaField field) {
                        signature.add(field.getType());
                    } else if (member instanceof JavaCodeUnit unit) {
                        signature.add(unit.getReturnType());
                        signature.addAll(unit.getParameterTypes());
                        signature.addAll(unit.getThrowsClause().getTypes());
                    }
                    for (JavaType t : signature) {
                        for (JavaClass raw : t.getAllInvolvedRawTypes()) {
                            leak(leaks, prefix, member.getFullName(), raw);
                        }
                    }
                }
                if (!type.getModifiers().contains(JavaModifier.PUBLIC)) {
                    return;
                }
                for (String leak : leaks) {
                    events.add(SimpleConditionEvent.violated(type, leak));
                }
            }
        };
    }

    private static void leak(List<String> leaks, String prefix, String where, JavaClass raw) {
        if (raw.getPackageName().equals(prefix) || raw.getPackageName().startsWith(prefix + ".")) {
            leaks.add(where + " exposes " + raw.getName());
        }
    }
}

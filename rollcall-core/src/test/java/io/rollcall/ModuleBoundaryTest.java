package io.rollcall;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Only the API package is exported, and no implementation type appears in its signatures. */
class ModuleBoundaryTest {
    private static final List<Class<?>> API = List.of(Rollcall.class, RollcallConfig.class, RollcallConfig.Builder.class,
            MembershipView.class, ClusterMember.class, MemberStatus.class, MembershipChange.class, ChangeKind.class,
            MembershipListener.class, Subscription.class, Membership.class, MembershipUpdate.class, Catchup.class,
            Health.class, Profile.class, JoinException.class, JoinException.SeedFailure.class, JoinException.Reason.class,
            KeyOperation.class, SelfStateStore.class, SelfStateNotStoredException.class, NodeNames.class, PrintableText.class,
            SeedProvider.class, HostAndPort.class, DiscoveryCounters.class, RoundTrip.class, ProbeRoundTrips.class,
            ProbeRoundTrips.Histogram.class, ClusterEventListener.class, IncomingQuery.class, QueryOptions.class,
            QueryResult.class, QueryResult.Response.class, UserEvent.class, ConnectionAdmission.class,
            ConnectionAdmission.Admission.class, ConnectionAdmission.Refusal.class, ConnectionAdmission.Slot.class,
            Decision.class, Decision.Via.class,
            Decision.DirectResult.class, Decision.HelperAnswer.class, Decision.Helper.class, Decision.ProbeEvidence.class,
            Decision.Suspected.class, Decision.Confirmed.class, Decision.Failed.class, Decision.Refuted.class,
            Decision.Left.class, Decision.Rejoined.class, DecisionAccount.class, DecisionListener.class,
            NetworkCoordinate.class);

    @Test
    void theModuleExportsOnlyTheApiPackage() throws Exception {
        var location = java.nio.file.Path.of(Rollcall.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (InputStream in = java.nio.file.Files.newInputStream(location.resolve("module-info.class"))) {
            ModuleDescriptor descriptor = ModuleDescriptor.read(in);
            assertThat(descriptor.name()).isEqualTo("io.rollcall");
            assertThat(descriptor.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("io.rollcall");
            assertThat(descriptor.opens()).isEmpty();
        }
    }

    @Test
    void publicSignaturesMentionNoImplementationType() {
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : API) {
            for (Method m : type.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers())) {
                    check(type, m, leaks);
                }
            }
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (Modifier.isPublic(c.getModifiers())) {
                    check(type, c, leaks);
                }
            }
            for (Field f : type.getDeclaredFields()) {
                if (Modifier.isPublic(f.getModifiers())) {
                    inspect(type + "." + f.getName(), f.getGenericType(), leaks);
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    @Test
    void everyPublicTypeInTheApiPackageIsListedHere() throws Exception {
        // Keeps the list above honest: a new public type must be checked too.
        List<String> found = new ArrayList<>();
        var root = java.nio.file.Path.of(Rollcall.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("io/rollcall");
        try (var files = java.nio.file.Files.list(root)) {
            for (var f : files.filter(p -> p.toString().endsWith(".class")).collect(Collectors.toList())) {
                String name = f.getFileName().toString().replace(".class", "");
                Class<?> c = Class.forName("io.rollcall." + name.replace('$', '.').replace(".", "$"));
                if (Modifier.isPublic(c.getModifiers()) && !c.isAnonymousClass() && !c.isLocalClass()
                        && (c.getEnclosingClass() == null || Modifier.isPublic(c.getEnclosingClass().getModifiers()))) {
                    found.add(c.getName());
                }
            }
        }
        assertThat(API.stream().map(Class::getName).toList()).containsAll(found);
    }

    private static void check(Class<?> owner, Executable e, List<String> leaks) {
        String where = owner.getSimpleName() + "." + e.getName();
        for (Type t : e.getGenericParameterTypes()) {
            inspect(where, t, leaks);
        }
        for (Type t : e.getGenericExceptionTypes()) {
            inspect(where, t, leaks);
        }
        if (e instanceof Method m) {
            inspect(where, m.getGenericReturnType(), leaks);
        }
    }

    private static void inspect(String where, Type t, List<String> leaks) {
        if (t instanceof Class<?> c) {
            while (c.isArray()) {
                c = c.getComponentType();
            }
            String pkg = c.getPackageName();
            if (!c.isPrimitive() && !pkg.startsWith("java.") && !pkg.equals("io.rollcall")) {
                leaks.add(where + " uses " + c.getName());
            }
        } else if (t instanceof ParameterizedType p) {
            inspect(where, p.getRawType(), leaks);
            for (Type a : p.getActualTypeArguments()) {
                inspect(where, a, leaks);
            }
        } else if (t instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                inspect(where, b, leaks);
            }
        }
    }
}

package io.rollcall.agent;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SIGTERM and SIGINT: the first runs {@code first}, a second runs {@code again}. The JDK's own
 * shutdown hooks cannot tell a second signal apart, so this uses {@code sun.misc.Signal} (module
 * jdk.unsupported), reached by reflection because javac warns about it on every build otherwise.
 */
final class Signals {
    private Signals() {
    }

    static void onTerminate(Runnable first, Runnable again) {
        AtomicInteger count = new AtomicInteger();
        Runnable handler = () -> {
            if (count.incrementAndGet() == 1) {
                first.run();
            } else {
                again.run();
            }
        };
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Class<?> signalClass = Class.forName("sun.misc.Signal");
                Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
                Object signal = signalClass.getConstructor(String.class).newInstance(name);
                Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerClass},
                        (p, method, args) -> {
                            if (method.getName().equals("handle")) {
                                handler.run();
                                return null;
                            }
                            return method.getName().equals("hashCode") ? System.identityHashCode(p)
                                    : method.getName().equals("equals") ? p == args[0] : "rollcall signal handler";
                        });
                signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, proxy);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // Without signal handling the JVM's default applies: shutdown hooks, no graceful leave.
                System.getLogger(Signals.class.getName()).log(System.Logger.Level.WARNING, "cannot handle SIG" + name + ": " + e);
                Runtime.getRuntime().addShutdownHook(new Thread(first));
            }
        }
    }
}

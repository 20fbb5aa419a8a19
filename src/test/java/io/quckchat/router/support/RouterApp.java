package io.quckchat.router.support;

import io.quckchat.router.QuckChatRouterApplication;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the real router application in this JVM against the test brokers, as a restartable unit. */
public final class RouterApp {

    private RouterApp() {}

    /** Starts a router in this namespace; {@code extraArgs} override settings (e.g. {@code --quckchat.delivery.attempts=2}). */
    public static ConfigurableApplicationContext start(Namespace namespace, String... extraArgs) {
        List<String> args = namespace.routerArgs(TestBrokers.get(), extraArgs);
        return new SpringApplicationBuilder(QuckChatRouterApplication.class).run(args.toArray(String[]::new));
    }
}

package io.quckchat.router.ingress;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;

/**
 * The ingress on the router's HTTP server (Camel REST DSL over platform-http, i.e. Spring MVC), as
 * described by {@code openapi/ingress.yaml}. Binding is off: the ingress reads the raw body so it
 * can say exactly where malformed JSON breaks, and writes its own answers.
 */
class IngressRoutes extends RouteBuilder {

    static final String BASE = "/api/v1";

    private final EventIngress ingress;

    IngressRoutes(EventIngress ingress) {
        this.ingress = ingress;
    }

    @Override
    public void configure() {
        restConfiguration().component("platform-http").bindingMode(RestBindingMode.off);

        onException(Exception.class).handled(true).process(ingress::failed);

        rest(BASE)
                .post("/events/{topic}")
                .id("ingress-post-event")
                .description("Publish one event (operation postEvent of openapi/ingress.yaml)")
                .to("direct:ingress-event")
                .post("/events")
                .id("ingress-post-batch")
                .description("Publish a batch of events (operation postBatch)")
                .to("direct:ingress-batch")
                .get("/openapi.yaml")
                .id("ingress-openapi-yaml")
                .to("direct:ingress-openapi-yaml")
                .get("/openapi.json")
                .id("ingress-openapi-json")
                .to("direct:ingress-openapi-json");

        from("direct:ingress-event").routeId("ingress-event").process(ingress::single);
        from("direct:ingress-batch").routeId("ingress-batch").process(ingress::batch);
        from("direct:ingress-openapi-yaml")
                .routeId("ingress-openapi-yaml")
                .process(exchange -> ingress.openApi(exchange, false));
        from("direct:ingress-openapi-json")
                .routeId("ingress-openapi-json")
                .process(exchange -> ingress.openApi(exchange, true));
    }
}

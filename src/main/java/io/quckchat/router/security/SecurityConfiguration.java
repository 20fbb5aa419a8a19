package io.quckchat.router.security;

import io.quckchat.router.config.RouterProperties;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may call what. Liveness and readiness are open (orchestrators probe them); everything an
 * operator uses — dead letters, the dashboard and its WebJars (uPlot), Hawtio and Jolokia, the rest
 * of actuator — needs the admin credentials over HTTP Basic; anything else is refused. With no admin password set the
 * admin surfaces refuse everyone. Passwords are compared in constant time and never logged. The
 * HTTP ingress, {@code /api/v1/**}, never reaches this chain: its own servlet filter answers it
 * first, with bearer tokens ({@code io.quckchat.router.ingress.IngressEndpoint}); this chain matches
 * everything else.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    public static final String ADMIN = "ADMIN";
    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    @Bean
    SecurityFilterChain adminSurfaces(HttpSecurity http, RouterProperties properties) throws Exception {
        if (!properties.admin().enabled()) {
            log.warn("No admin password (ADMIN_PASSWORD): dead letters, dashboard, Hawtio and metrics are locked");
        }
        http.authorizeHttpRequests(requests -> requests.dispatcherTypeMatchers(DispatcherType.ERROR)
                        .permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")
                        .permitAll()
                        .requestMatchers(
                                "/admin/**",
                                "/actuator/**",
                                // The bare path too: the dashboard page itself, at any BULL_BOARD_PATH.
                                properties.bullBoard().path(),
                                properties.bullBoard().path() + "/**",
                                // The jar's WebJars (the dashboard's uPlot): for the dashboard only.
                                "/webjars/**")
                        .hasRole(ADMIN)
                        .anyRequest()
                        .denyAll())
                .httpBasic(Customizer.withDefaults())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // A request whose content type a cross-site form cannot send (application/json,
                // Jolokia's and the dead-letter API's) needs a CORS preflight, which the router never
                // grants: it cannot be forged, so it needs no CSRF token. Forms do.
                .csrf(csrf -> csrf.ignoringRequestMatchers(SecurityConfiguration::notFormContent));
        return http.build();
    }

    /** True unless the body could come from an HTML form (the CORS "simple" content types). */
    static boolean notFormContent(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null) {
            return false;
        }
        String mime = type.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
        return !mime.equals("application/x-www-form-urlencoded")
                && !mime.equals("multipart/form-data")
                && !mime.equals("text/plain");
    }

    @Bean
    AuthenticationProvider adminAuthentication(RouterProperties properties) {
        RouterProperties.Admin admin = properties.admin();
        byte[] expectedUser = digest(admin.username());
        byte[] expectedPassword = admin.enabled() ? digest(admin.password()) : null;
        return new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) {
                String password = String.valueOf(authentication.getCredentials());
                boolean userOk = MessageDigest.isEqual(expectedUser, digest(authentication.getName()));
                boolean passwordOk =
                        expectedPassword != null && MessageDigest.isEqual(expectedPassword, digest(password));
                if (!(userOk & passwordOk)) {
                    throw new BadCredentialsException("Bad admin credentials");
                }
                return UsernamePasswordAuthenticationToken.authenticated(
                        authentication.getName(), null, List.of(new SimpleGrantedAuthority("ROLE_" + ADMIN)));
            }

            @Override
            public boolean supports(Class<?> authentication) {
                return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
            }
        };
    }

    static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(String.valueOf(value).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

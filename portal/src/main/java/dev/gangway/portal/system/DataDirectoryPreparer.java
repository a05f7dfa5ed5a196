package dev.gangway.portal.system;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes an implicitly relative {@code gangway.data-dir} (like {@code data}) absolute, because H2 refuses such file
 * paths in its URL. Paths that are absolute or start with {@code .} or {@code ~} are left as they are. Registered in
 * {@code META-INF/spring.factories}.
 */
public class DataDirectoryPreparer implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        String dir = event.getEnvironment().getProperty("gangway.data-dir");
        if (dir == null || dir.isBlank() || dir.startsWith(".") || dir.startsWith("~")) {
            return;
        }
        Path path = Path.of(dir);
        if (!path.isAbsolute()) {
            event.getEnvironment().getPropertySources().addFirst(new MapPropertySource("gangwayDataDirectory",
                    Map.of("gangway.data-dir", path.toAbsolutePath().normalize().toString())));
        }
    }
}

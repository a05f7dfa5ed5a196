package dev.gangway.portal.system;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Beans every feature shares: the clock (replaced in tests) and the password encoder. */
@Configuration(proxyBeanMethods = false)
class SystemConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** bcrypt for new hashes; the {@code {id}} prefix lets us move to another algorithm without a reset. */
    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /**
     * The data directory is created owner-only before the data source opens the embedded database in it, so the
     * database (password hashes) never sits in a directory others can read.
     */
    @Bean
    static BeanFactoryPostProcessor dataSourceAfterDataDirectory() {
        return beanFactory -> {
            if (!beanFactory.containsBeanDefinition("dataDirectory")) {
                return;
            }
            for (String name : beanFactory.getBeanNamesForType(DataSource.class, true, false)) {
                if (!beanFactory.containsBeanDefinition(name)) {
                    continue;
                }
                BeanDefinition definition = beanFactory.getBeanDefinition(name);
                List<String> dependsOn = new ArrayList<>();
                if (definition.getDependsOn() != null) {
                    dependsOn.addAll(Arrays.asList(definition.getDependsOn()));
                }
                dependsOn.add("dataDirectory");
                definition.setDependsOn(dependsOn.toArray(String[]::new));
            }
        };
    }
}

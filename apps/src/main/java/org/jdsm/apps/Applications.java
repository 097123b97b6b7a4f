package org.jdsm.apps;

import org.jdsm.ConfigurationException;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The applications on the class path, found with {@link ServiceLoader}.
 */
final class Applications
{
    private Applications()
    {
    }

    static List<Application<?>> all()
    {
        final List<Application<?>> applications = new ArrayList<>();
        for (final Application<?> application : ServiceLoader.load(Application.class))
        {
            applications.add(application);
        }
        return applications;
    }

    static Application<?> find(final String name)
    {
        final List<String> names = new ArrayList<>();
        for (final Application<?> application : all())
        {
            if (application.name().equals(name))
            {
                return application;
            }
            names.add(application.name());
        }

        throw new ConfigurationException("no application named " + name + "; available: " + names);
    }
}

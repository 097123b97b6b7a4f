package org.jdsm.apps;

import org.jdsm.ConfigurationException;

import java.io.File;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A user program's classes for {@code jdsm run --class-path} and {@code jdsm node --class-path}: the class path's
 * entries, a class loader over them, and the program's {@code main}. Every failure is a
 * {@link ConfigurationException} whose one-line message names the fix.
 * <p>
 * <b>Note:</b> stateless and threadsafe.
 */
final class ProgramClasses
{
    private ProgramClasses()
    {
    }

    /**
     * The entries of a class path, each of which must exist.
     *
     * @param classPath jar files and class directories separated by the platform's path separator.
     * @return the entries.
     * @throws ConfigurationException naming an entry that does not exist, or an empty class path.
     */
    static List<Path> entries(final String classPath)
    {
        final List<Path> entries = new ArrayList<>();
        for (final String entry : classPath.split(File.pathSeparator))
        {
            if (entry.isBlank())
            {
                continue;
            }
            final Path path = Path.of(entry);
            if (!Files.exists(path))
            {
                throw new ConfigurationException("--class-path entry " + entry + " does not exist: give the jar " +
                    "files and class directories of the program, separated by '" + File.pathSeparator + "'");
            }
            entries.add(path.toAbsolutePath().normalize());
        }
        if (entries.isEmpty())
        {
            throw new ConfigurationException("--class-path is empty: give the program's jar files or class directories");
        }

        return entries;
    }

    /**
     * The entries as one class path string.
     *
     * @param entries of the class path.
     * @return the entries joined by the platform's path separator.
     */
    static String join(final List<Path> entries)
    {
        final StringBuilder classPath = new StringBuilder();
        for (final Path entry : entries)
        {
            classPath.append(classPath.length() == 0 ? "" : File.pathSeparator).append(entry);
        }

        return classPath.toString();
    }

    /**
     * A class loader over a class path whose parent holds jdsm itself.
     *
     * @param entries of the class path.
     * @param parent  the launcher's class loader.
     * @return the loader.
     */
    static URLClassLoader loader(final List<Path> entries, final ClassLoader parent)
    {
        final URL[] urls = new URL[entries.size()];
        for (int i = 0; i < urls.length; i++)
        {
            try
            {
                urls[i] = entries.get(i).toUri().toURL();
            }
            catch (final MalformedURLException ex)
            {
                throw new ConfigurationException("--class-path entry " + entries.get(i) + " is not a valid path: " + ex);
            }
        }

        return new URLClassLoader("jdsm-program", urls, parent);
    }

    /**
     * The {@code public static void main(String[])} of a class, loaded without being initialised.
     *
     * @param className the class's binary name, e.g. {@code com.example.Counter}.
     * @param loader    to load it with.
     * @param classPath shown in the message when the class is missing.
     * @return the method.
     * @throws ConfigurationException if the class is not found or has no such method.
     */
    static Method mainMethod(final String className, final ClassLoader loader, final String classPath)
    {
        final Class<?> mainClass;
        try
        {
            mainClass = Class.forName(className, false, loader);
        }
        catch (final ClassNotFoundException | NoClassDefFoundError ex)
        {
            throw new ConfigurationException("main class " + className + " not found on the class path " + classPath +
                ": give its full name with its package (e.g. com.example.Counter) and, in --class-path, the " +
                "directory or jar that holds it" + (ex instanceof NoClassDefFoundError ? " (" + ex.getMessage() + ")" : ""));
        }

        final Method main;
        try
        {
            main = mainClass.getMethod("main", String[].class);
        }
        catch (final NoSuchMethodException ex)
        {
            throw new ConfigurationException("class " + className + " has no main method: give a class with " +
                "public static void main(String[] args)");
        }
        if (!Modifier.isStatic(main.getModifiers()) || void.class != main.getReturnType())
        {
            throw new ConfigurationException("class " + className + " has no main method: its main(String[]) must " +
                "be public static void");
        }

        return main;
    }
}

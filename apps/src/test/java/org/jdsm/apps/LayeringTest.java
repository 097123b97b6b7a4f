package org.jdsm.apps;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.jdsm.coherence.CoherenceEngineProvider;
import org.jdsm.coherence.Node;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layering the poms can not state, checked on the production classes of every module on this module's class
 * path (apps depends on all of them): the API below the engine, the engine below no transport, transports beside
 * each other, handles below the engine's public face, and nothing in production running on the test-only simulated
 * transport or needing a test framework.
 */
class LayeringTest
{
    private static final String API = "org.jdsm";
    private static final String SPI = "org.jdsm.spi..";
    private static final String ENGINE = "org.jdsm.coherence..";
    private static final String TRANSPORTS = "org.jdsm.transport..";
    private static final String SIMULATOR = "org.jdsm.simulator..";
    private static final String CHECKER = "org.jdsm.linearizability..";
    private static final String APPS = "org.jdsm.apps..";
    private static final String MEMBERSHIP = "org.jdsm.membership..";

    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses()
    {
        classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // test jars on the test class path (the membership module's NamespaceNetwork): test classes, packaged
            .withImportOption((location) -> !location.contains("-tests.jar"))
            .importPackages("org.jdsm");
    }

    @Test
    void shouldImportEveryLayer()
    {
        // a rule over an empty set passes vacuously: make sure each layer is really on the class path
        for (final String layer : new String[] { API, SPI, ENGINE, TRANSPORTS, SIMULATOR, CHECKER, APPS, MEMBERSHIP })
        {
            final String prefix = layer.replace("..", "");
            assertTrue(classes.stream().anyMatch((c) -> c.getPackageName().startsWith(prefix)), layer);
        }
    }

    @Test
    void shouldKeepTheApiBelowEngineTransportsAndApps()
    {
        final ArchRule rule = noClasses().that().resideInAnyPackage(API, SPI)
            .should().dependOnClassesThat().resideInAnyPackage(ENGINE, TRANSPORTS, SIMULATOR, CHECKER, APPS, MEMBERSHIP)
            .because("the API and the transport SPI are what every other module builds on");
        rule.check(classes);
    }

    @Test
    void shouldKeepTheEngineFreeOfTransports()
    {
        final ArchRule rule = noClasses().that().resideInAPackage(ENGINE)
            .should().dependOnClassesThat().resideInAnyPackage(TRANSPORTS, SIMULATOR, APPS, MEMBERSHIP)
            .because("the engine reaches the network only through org.jdsm.spi.Transport, found by ServiceLoader");
        rule.check(classes);
    }

    @Test
    void shouldKeepTransportsFreeOfTheEngineAndOfEachOther()
    {
        noClasses().that().resideInAPackage(TRANSPORTS)
            .should().dependOnClassesThat().resideInAnyPackage(ENGINE, SIMULATOR, APPS, MEMBERSHIP)
            .because("a transport implements the SPI and nothing more")
            .check(classes);
        for (final String transport : new String[] { "aeron", "rdma", "local" })
        {
            final String own = "org.jdsm.transport." + transport + "..";
            noClasses().that().resideInAPackage(own)
                .should().dependOnClassesThat(resideInAPackage(TRANSPORTS).and(not(resideInAPackage(own))))
                .because("transports share code only through the SPI")
                .allowEmptyShould(true)
                .check(classes);
        }
    }

    @Test
    void shouldKeepTheMembershipOnTheApiOnly()
    {
        noClasses().that().resideInAPackage(MEMBERSHIP)
            .should().dependOnClassesThat().resideInAnyPackage(ENGINE, TRANSPORTS, SIMULATOR, CHECKER, APPS)
            .because("the engine loads the agreed membership through org.jdsm.spi.MembershipViewProvider")
            .check(classes);
    }

    @Test
    void shouldNeverReferToTheSimulatorFromProductionCode()
    {
        // the simulator module is on this class path at test scope only; its classes are imported to check this
        noClasses().that().resideOutsideOfPackage(SIMULATOR)
            .should().dependOnClassesThat().resideInAPackage(SIMULATOR)
            .because("the simulated network and its fault injection are test tools; the launcher's check-history " +
                "uses the checker, which is a module of its own")
            .check(classes);
    }

    @Test
    void shouldKeepTheCheckerOnTheApiOnly()
    {
        noClasses().that().resideInAPackage(CHECKER)
            .should().dependOnClassesThat().resideInAnyPackage(SPI, ENGINE, TRANSPORTS, SIMULATOR, APPS)
            .because("the checker judges histories of any system; it knows nothing of transports or the engine")
            .check(classes);
    }

    @Test
    void shouldKeepHandlesOffTheNodesFace()
    {
        noClasses().that().resideInAPackage(ENGINE)
            .and(not(belongToAnyOf(Node.class, CoherenceEngineProvider.class)))
            .should().dependOnClassesThat().belongToAnyOf(Node.class)
            .because("handles, borrows, leases and the engine's rooms reach their node through HeapAccess and the " +
                "rooms, so they can be built without a cluster; only the provider starts a Node")
            .check(classes);
    }

    @Test
    void shouldNotNeedATestFrameworkInProduction()
    {
        noClasses().that().resideOutsideOfPackage("org.jdsm.simulator.contract..")
            .should().dependOnClassesThat().resideInAnyPackage("org.junit..", "net.jqwik..", "org.mockito..")
            .because("only the transport contract suite, a test kit for transports, is written against JUnit")
            .check(classes);
    }
}

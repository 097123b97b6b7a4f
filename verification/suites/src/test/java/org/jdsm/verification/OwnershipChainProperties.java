package org.jdsm.verification;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.state.ActionChain;

/**
 * Stateful properties of the user API against a sequential model, over 1 to 5 simulated nodes with jqwik-drawn
 * seed, delays and reordering: allocate on a chosen node, read on node 0 or through a Ref lent to a task on any
 * node, write on node 0 or through a Mut lent to another node, move a box into a task and back, share a DArc, lock
 * a DMutex from any node, spawn near a box, provoke borrow conflicts, free. Each action asserts its postcondition;
 * the invariants are checked after every action.
 */
class OwnershipChainProperties
{
    @Property(tries = 100)
    void everyBorrowSeesTheLastWriteAndOwnershipRulesHold(@ForAll("chains") final ActionChain<OwnershipModel> chain)
    {
        run(chain);
        Statistics.label("actions").collect(chain.transformations().size() / 10 * 10 + "-" +
            (chain.transformations().size() / 10 * 10 + 9));
        Statistics.label("nodes").collect(chain.finalState().map(OwnershipModel::nodeCount).orElse(0));
    }

    @Provide
    Arbitrary<ActionChain<OwnershipModel>> chains()
    {
        return OwnershipChains.chains(false);
    }

    @AfterTry
    void closeClusters()
    {
        OwnershipChains.closeAll();
    }

    static void run(final ActionChain<OwnershipModel> chain)
    {
        chain
            .withInvariant("every live box and mutex holds its model value", OwnershipModel::checkValues)
            .withInvariant("no borrow left open and only the program holds each arc",
                OwnershipModel::checkNoBorrowLeftOpen)
            .run();
    }
}

package org.jdsm.membership;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;

/**
 * One membership member in its own JVM for multi-process tests, driven by standard input and reporting on standard
 * output, one line per event: {@code quorum true|false <reason>}, {@code view <view>}, and for the commands
 * {@code dead <node>} → {@code committed <view>} or {@code failed <exception>: <message>}, {@code view} →
 * {@code current <view>}, {@code role} → {@code role LEADER|FOLLOWER|CANDIDATE}, {@code quit} → {@code closed}.
 * <p>
 * Arguments: node id, members ({@code host:port,...}), replicas, quorum timeout, startup timeout, proposal timeout.
 * Its files go to the default directory (under {@code /dev/shm} where possible).
 */
public final class MembershipMemberMain
{
    private MembershipMemberMain()
    {
    }

    /**
     * @param args see the class description.
     * @throws Exception if standard input fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final Membership membership = Membership.launch(new MembershipContext()
            .nodeId(Integer.parseInt(args[0]))
            .members(args[1])
            .replicas(Integer.parseInt(args[2]))
            .quorumTimeout(args[3])
            .startupTimeout(args[4])
            .proposalTimeout(args[5]));
        membership.addQuorumListener((hasQuorum, reason) -> print("quorum " + hasQuorum + " " + reason));
        membership.addViewListener((view) -> print("view " + view));
        print("started");

        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while (null != (line = in.readLine()))
        {
            final String[] words = line.trim().split("\\s+");
            if ("dead".equals(words[0]))
            {
                membership.proposeDead(Integer.parseInt(words[1])).whenComplete((view, failure) ->
                {
                    if (null == failure)
                    {
                        print("committed " + view);
                    }
                    else
                    {
                        final Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                        print("failed " + cause.getClass().getName() + ": " + cause.getMessage());
                    }
                });
            }
            else if ("role".equals(words[0]))
            {
                print("role " + membership.role());
            }
            else if ("view".equals(words[0]))
            {
                print("current " + membership.currentView());
            }
            else if ("quit".equals(words[0]))
            {
                break;
            }
        }
        membership.close();
        print("closed");
    }

    private static synchronized void print(final String line)
    {
        System.out.println(line);
        System.out.flush();
    }
}

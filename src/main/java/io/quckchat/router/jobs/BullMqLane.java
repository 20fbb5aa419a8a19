package io.quckchat.router.jobs;

import io.quckchat.camel.bullmq.BullMqAddResult;
import io.quckchat.camel.bullmq.BullMqClient;
import io.quckchat.camel.bullmq.BullMqJob;
import io.quckchat.router.delivery.Lane;
import io.quckchat.router.event.Leg;
import io.quckchat.router.event.RetryPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * Adds BullMQ jobs for the fan-out, a batch per Redis round trip (pipelined add scripts). A custom
 * job id makes a resend harmless: BullMQ keeps the first job of an id. A job the script refuses
 * is a rejection (retried by policy, then dead-lettered); Redis unreachable or slow is a transient
 * failure, and the whole batch is sent again when Redis is back.
 */
public class BullMqLane extends Lane {

    private final BullMqClient client;

    public BullMqLane(BullMqClient client, RetryPolicy outagePolicy, int maxInFlight) {
        super("bullmq", outagePolicy, maxInFlight, 256);
        this.client = client;
    }

    @Override
    protected void send(List<Leg> batch) {
        List<BullMqJob> jobs = new ArrayList<>(batch.size());
        for (Leg leg : batch) {
            jobs.add(leg.spec());
        }
        // every leg's payload is JSON: the event passed the JSON reader, a jq payload is jq's output
        List<BullMqAddResult> results = client.addAll(jobs, true);
        for (int i = 0; i < batch.size(); i++) {
            BullMqAddResult result = results.get(i);
            if (result.ok()) {
                delivered(batch.get(i));
            } else {
                rejected(batch.get(i), result.error());
            }
        }
    }
}

package io.gorgon.roles.provider;

import io.gorgon.bus.Ids;
import io.gorgon.protocol.Protocol;
import io.gorgon.roles.RoleContext;
import io.gorgon.roles.config.GorgonConfig;
import java.time.Duration;

/**
 * The provider's traffic with third parties, both ways, on the seed's queues: provider_get (the API: follow feeds,
 * register webhooks), provider_data (fetched feed entries → items) and provider_put (item events → webhooks), plus
 * the shared feed poller and the store_notify subscription that feeds the webhooks. Built in the role's
 * constructor, started by its start (the role skeleton).
 */
final class ThirdParties {
    private final RoleContext ctx;
    private final ProviderApi api;
    private final FeedIngest ingest;
    private final FeedFetcher fetcher;
    private final FeedPoller poller;
    private final WebhookSender sender;
    private final WebhookFanout fanout;

    ThirdParties(RoleContext ctx) {
        this.ctx = ctx;
        GorgonConfig.Provider cfg = ctx.config().provider();
        String ns = ctx.config().namespace();
        Ids ids = Ids.fromRedis(ctx.redis(), ns);
        FeedRegistry feeds = new FeedRegistry(ctx.redis(), ns, cfg.feeds().minIntervalMs(), cfg.feeds().maxIntervalMs());
        WebhookRegistry webhooks = new WebhookRegistry(ctx.redis(), ns);
        UrlGuard feedUrls = new UrlGuard(cfg.feeds().allowPrivate());
        UrlGuard webhookUrls = new UrlGuard(cfg.webhooks().allowPrivate());
        // Checks auth's signature on the principal header; fails closed (startup error) without a key or the opt-out.
        this.api = new ProviderApi(feeds, webhooks, feedUrls, webhookUrls, ids,
                new io.gorgon.roles.SignedPrincipal(ctx.config().auth().signingKey()));
        this.ingest = new FeedIngest(feeds, ctx.bus(), ids);
        this.fetcher = new FeedFetcher(cfg.feeds(), feedUrls);
        this.poller = new FeedPoller(feeds, fetcher, cfg.feeds(), ctx.bus(), ctx.instance());
        this.sender = new WebhookSender(webhooks, cfg.webhooks(), webhookUrls, ctx.bus().metrics().registry());
        this.fanout = new WebhookFanout(webhooks, ctx.bus());
    }

    void start() {
        GorgonConfig.Webhooks hooks = ctx.config().provider().webhooks();
        ctx.bus().consume(Protocol.PROVIDER_GET, ctx.consumerOptions(), api::handle);
        ctx.bus().consume(Protocol.PROVIDER_DATA, ctx.consumerOptions().withConcurrency(16), ingest::onEntries);
        ctx.bus().consume(Protocol.PROVIDER_PUT, ctx.consumerOptions().withConcurrency(hooks.concurrency())
                .withMaxDeliveries(hooks.maxDeliveries())
                .withBackoff(Duration.ofMillis(hooks.retryBaseMs()), Duration.ofMinutes(1)), sender::onDelivery);
        ctx.bus().subscribe(Protocol.STORE_NOTIFY, ctx.consumerOptions(), fanout::onEvent);
        poller.start();
    }

    void stop() {
        poller.stop();
    }

    void close() {
        fetcher.close();
        sender.close();
    }
}

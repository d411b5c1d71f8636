package io.gorgon.roles.provider;

import io.gorgon.bus.ConsumerOptions;
import io.gorgon.bus.Ids;
import io.gorgon.protocol.Protocol;
import io.gorgon.roles.RoleContext;
import io.gorgon.roles.config.GorgonConfig;

/**
 * The provider's traffic with third parties, both ways, on the seed's queues: provider_get (the API: follow feeds,
 * register webhooks), provider_data (fetched feed entries → items) and provider_put (item events → webhooks), plus
 * the shared feed poller and the store_notify subscription that feeds the webhooks.
 */
final class ThirdParties {
    private final RoleContext ctx;
    private FeedFetcher fetcher;
    private FeedPoller poller;
    private WebhookSender sender;

    ThirdParties(RoleContext ctx) {
        this.ctx = ctx;
    }

    void start() {
        GorgonConfig.Provider cfg = ctx.config().provider();
        String ns = ctx.config().namespace();
        Ids ids = Ids.fromRedis(ctx.redis(), ns);
        FeedRegistry feeds = new FeedRegistry(ctx.redis(), ns);
        WebhookRegistry webhooks = new WebhookRegistry(ctx.redis(), ns);
        UrlGuard feedUrls = new UrlGuard(cfg.feeds().allowPrivate());
        UrlGuard webhookUrls = new UrlGuard(cfg.webhooks().allowPrivate());
        int maxDeliveries = ctx.config().bus().maxDeliveries();

        ProviderApi api = new ProviderApi(feeds, webhooks, feedUrls, webhookUrls, ids);
        ctx.bus().consume(Protocol.PROVIDER_GET, ConsumerOptions.defaults().withConcurrency(ctx.config().bus().concurrency())
                .withMaxDeliveries(maxDeliveries), api::handle);

        FeedIngest ingest = new FeedIngest(feeds, ctx.bus(), ids);
        ctx.bus().consume(Protocol.PROVIDER_DATA, ConsumerOptions.defaults().withConcurrency(16)
                .withMaxDeliveries(maxDeliveries), ingest::onEntries);

        sender = new WebhookSender(webhooks, cfg.webhooks(), webhookUrls, ctx.bus().metrics().registry());
        ctx.bus().consume(Protocol.PROVIDER_PUT, ConsumerOptions.defaults().withConcurrency(cfg.webhooks().concurrency())
                .withMaxDeliveries(cfg.webhooks().maxDeliveries())
                .withBackoff(java.time.Duration.ofMillis(cfg.webhooks().retryBaseMs()), java.time.Duration.ofMinutes(1)), sender::onDelivery);
        WebhookFanout fanout = new WebhookFanout(webhooks, ctx.bus());
        ctx.bus().subscribe(Protocol.STORE_NOTIFY, ConsumerOptions.defaults().withMaxDeliveries(maxDeliveries), fanout::onEvent);

        fetcher = new FeedFetcher(cfg.feeds(), feedUrls);
        poller = new FeedPoller(feeds, fetcher, cfg.feeds(), ctx.bus(), ctx.instance());
        poller.start();
    }

    void stop() {
        if (poller != null) poller.stop();
    }

    void close() {
        if (fetcher != null) fetcher.close();
        if (sender != null) sender.close();
    }
}

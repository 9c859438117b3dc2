using System.Text.Json.Nodes;
using CallbackPipeline.Api.Auth;
using CallbackPipeline.Api.Hosting;
using CallbackPipeline.Api.Stats;
using CallbackPipeline.Core.Providers;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Providers;
using CallbackPipeline.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Providers;

/// <summary>The provider operations of the stats page: list, create, edit settings, mark as default, archive, delete.</summary>
public static class ProviderEndpoints
{
    public static IEndpointRouteBuilder MapProviders(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/providers").RequireAccountKey();
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync).ForgetsStats(StatsCacheRoutes.CallerAccount);
        group.MapGet("/{id}", GetAsync);
        group.MapPut("/{id}/settings", EditAsync).ForgetsStats(StatsCacheRoutes.CallerAccount);
        group.MapPost("/{id}/default", MarkDefaultAsync).ForgetsStats(StatsCacheRoutes.CallerAccount);
        group.MapPost("/{id}/archive", ArchiveAsync).ForgetsStats(StatsCacheRoutes.CallerAccount);
        group.MapDelete("/{id}", DeleteAsync).ForgetsStats(StatsCacheRoutes.CallerAccount);
        return routes;
    }

    private static async Task<Results<Ok<IEnumerable<ProviderView>>, ProblemHttpResult>> ListAsync(
        HttpContext context, ProviderStore store, PublicUrls urls, CancellationToken ct)
    {
        var caller = Caller.From(context);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var page = Page.Read(context.Request, errors);
        if (errors.Count > 0) return Problems.Validation(errors);
        // One more than the page, to know whether a next one exists.
        var providers = await store.ListPageAsync(caller.AccountId, page.After, page.Limit + 1, ct);
        if (providers.Count > page.Limit)
        {
            context.Response.Headers.Link = Page.NextLink(context.Request, Page.Encode(ProviderPosition.Of(providers[page.Limit - 1])));
        }
        return TypedResults.Ok(providers.Take(page.Limit).Select(p => ProviderView.From(p, urls, caller.IsAdmin)));
    }

    private static async Task<Results<Ok<ProviderView>, ProblemHttpResult>> GetAsync(string id, HttpContext context, ProviderStore store, PublicUrls urls, CancellationToken ct)
    {
        var caller = Caller.From(context);
        return await store.GetAsync(caller.AccountId, id, ct) is { } provider
            ? TypedResults.Ok(ProviderView.From(provider, urls, caller.IsAdmin))
            : NoProvider();
    }

    private static async Task<Results<Created<ProviderView>, ProblemHttpResult>> CreateAsync(
        CreateProviderRequest request, HttpContext context, ProviderStore store, PublicUrls urls, CancellationToken ct)
    {
        var caller = Caller.From(context);
        if (!caller.IsAdmin) return AdminOnly();

        if (Unreadable(request.Settings, request.Secrets) is { } unreadable) return unreadable;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Names.Check(request.Name, errors, required: true);
        if (!ProviderKindSpec.TryParse(request.Kind, out var kind))
        {
            errors["kind"] = [request.Kind is null ? "is required" : $"'{request.Kind}' is not a provider kind: generic, twilio, vonage, plivo, infobip or telnyx"];
            return Problems.Validation(errors);
        }
        var spec = ProviderKindSpec.For(kind);
        var settings = request.Settings ?? [];
        var secrets = request.Secrets ?? [];
        if (spec.HasCallbackToken && secrets[ProviderKindSpec.CallbackToken] is null) secrets[ProviderKindSpec.CallbackToken] = Ids.Secret();
        foreach (var (field, problems) in ProviderValidation.Validate(spec, settings, secrets)) errors[field] = problems;
        if (errors.Count > 0) return Problems.Validation(errors);

        var draft = new ProviderRecord(
            Ids.New("prv"), caller.AccountId, request.Name!.Trim(), kind, Archived: false, IsDefault: false,
            request.DeliveryCallbacks ?? true, settings, secrets, null, null, default, null);
        var created = await store.CreateAsync(draft, ct);
        return TypedResults.Created($"/v1/providers/{created.Id}", ProviderView.From(created, urls, admin: true));
    }

    private static async Task<Results<Ok<ProviderView>, ProblemHttpResult>> EditAsync(
        string id, EditProviderRequest request, HttpContext context, ProviderStore store, ProviderDirectory directory,
        PublicUrls urls, TimeProvider clock, IOptions<CallbacksOptions> options, CancellationToken ct)
    {
        var caller = Caller.From(context);
        if (await store.GetAsync(caller.AccountId, id, ct) is null) return NoProvider();
        if (!caller.IsAdmin) return AdminOnly();
        if (Unreadable(request.Settings, request.Secrets) is { } unreadable) return unreadable;

        ProblemHttpResult? failure = null;
        var result = await store.UpdateAsync(caller.AccountId, id, current =>
        {
            var edit = ProviderEdit.Apply(current, request, clock.GetUtcNow(), options.Value.TokenRotationGrace);
            failure = edit.Failure;
            return edit.Updated;
        }, ct);
        directory.Invalidate(id);
        if (failure is not null) return failure;
        return result is null ? NoProvider() : TypedResults.Ok(ProviderView.From(result, urls, admin: true));
    }

    private static async Task<Results<Ok<ProviderView>, ProblemHttpResult>> MarkDefaultAsync(
        string id, HttpContext context, ProviderStore store, PublicUrls urls, CancellationToken ct)
    {
        var caller = Caller.From(context);
        if (await store.GetAsync(caller.AccountId, id, ct) is null) return NoProvider();
        if (!caller.IsAdmin) return AdminOnly();

        return await store.MarkDefaultAsync(caller.AccountId, id, ct) switch
        {
            ProviderChange.Done => await ChangedAsync(store, caller, id, urls, ct),
            ProviderChange.Archived => Problems.Conflict("An archived provider cannot be the default."),
            _ => NoProvider(),
        };
    }

    private static async Task<Results<Ok<ProviderView>, ProblemHttpResult>> ArchiveAsync(
        string id, HttpContext context, ProviderStore store, ProviderDirectory directory, PublicUrls urls, CancellationToken ct)
    {
        var caller = Caller.From(context);
        if (await store.GetAsync(caller.AccountId, id, ct) is null) return NoProvider();
        if (!caller.IsAdmin) return AdminOnly();

        var change = await store.ArchiveAsync(caller.AccountId, id, ct);
        directory.Invalidate(id);
        return change switch
        {
            ProviderChange.Done => await ChangedAsync(store, caller, id, urls, ct),
            ProviderChange.Archived => Problems.Conflict("The provider is already archived; archiving cannot be undone."),
            _ => NoProvider(),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, HttpContext context, ProviderStore store, ProviderDirectory directory, ProviderDataCleaner cleaner,
        ILogger<ProviderStore> logger, CancellationToken ct)
    {
        var caller = Caller.From(context);
        if (await store.GetAsync(caller.AccountId, id, ct) is null) return NoProvider();
        if (!caller.IsAdmin) return AdminOnly();

        if (!await store.DeleteAsync(caller.AccountId, id, ct)) return NoProvider();
        directory.Invalidate(id);
        try
        {
            await cleaner.ForgetAsync(id, ct);
            await store.MarkCleanedAsync(id, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The provider is gone from PostgreSQL, the source of truth: the delete is done whatever Redis answered, and
            // the flusher finishes the Redis clean-up from its list of pending work.
            logger.CleanupDeferred(id, e);
        }
        return TypedResults.NoContent();
    }

    /// <summary>The provider as a change left it; 404 when a delete came in between.</summary>
    private static async Task<Results<Ok<ProviderView>, ProblemHttpResult>> ChangedAsync(
        ProviderStore store, Caller caller, string id, PublicUrls urls, CancellationToken ct) =>
        await store.GetAsync(caller.AccountId, id, ct) is { } changed ? TypedResults.Ok(ProviderView.From(changed, urls, admin: true)) : NoProvider();

    internal static ProblemHttpResult NoProvider() => Problems.NotFound("No such provider in this account.");

    internal static ProblemHttpResult AdminOnly() => Problems.Forbidden("This operation needs an admin key.");

    private static ProblemHttpResult? Unreadable(JsonObject? settings, JsonObject? secrets)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!JsonText.IsReadable(settings)) errors["settings"] = ["contains text that is not valid UTF-8"];
        if (!JsonText.IsReadable(secrets)) errors["secrets"] = ["contains text that is not valid UTF-8"];
        return errors.Count > 0 ? Problems.Validation(errors) : null;
    }
}

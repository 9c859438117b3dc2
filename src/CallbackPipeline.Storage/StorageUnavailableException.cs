using Azure.Messaging.ServiceBus;
using Npgsql;
using StackExchange.Redis;

namespace CallbackPipeline.Storage;

/// <summary>
/// PostgreSQL, Redis or Service Bus cannot be reached right now (stopped, restarting, a network cut): a passing
/// condition, not a bug. Every store turns its driver's failures of that kind into this, so callers retry or degrade
/// without knowing the drivers.
/// </summary>
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException(string dependency, Exception inner)
        : base($"{dependency} cannot be reached right now; retry shortly.", inner) => Dependency = dependency;

    /// <summary>The store answers but cannot give a consistent answer right now (<paramref name="reason"/>).</summary>
    public StorageUnavailableException(string dependency, string reason) : base($"{reason}; retry shortly.") => Dependency = dependency;

    /// <summary><c>PostgreSQL</c>, <c>Redis</c> or <c>Service Bus</c>.</summary>
    public string Dependency { get; }

    /// <summary>The error prefixes of a Redis that answers but cannot serve for now.</summary>
    private static readonly string[] TransientRedisErrors = ["LOADING", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "OOM", "MISCONF", "READONLY", "NOREPLICAS", "BUSY "];

    /// <summary>Whether <paramref name="exception"/> is an outage: this exception, or a driver's failure <see cref="From"/> turns into it.</summary>
    public static bool IsOutage(Exception exception) => exception is StorageUnavailableException || From(exception) is not null;

    /// <summary>The exception to throw instead of <paramref name="exception"/>, or null when it is not an outage.</summary>
    public static StorageUnavailableException? From(Exception exception) => exception switch
    {
        StorageUnavailableException => null,
        NpgsqlException { IsTransient: true } => new("PostgreSQL", exception),
        // The database is not there: dropped and being restored, or not created yet.
        PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } => new("PostgreSQL", exception),
        RedisConnectionException or RedisTimeoutException => new("Redis", exception),
        // A Redis that is starting (loading its AOF), failing over or resharding answers these until it is back; one that
        // is full (OOM under noeviction), cannot persist (MISCONF), is read-only for a failover (READONLY), lacks its
        // replicas (NOREPLICAS) or runs a long script (BUSY) refuses writes until the condition passes.
        RedisServerException { Message: var m } when TransientRedisErrors.Any(e => m.StartsWith(e, StringComparison.Ordinal)) => new("Redis", exception),
        ServiceBusException { IsTransient: true } or ServiceBusException { Reason: ServiceBusFailureReason.ServiceCommunicationProblem } => new("Service Bus", exception),
        _ => null,
    };
}

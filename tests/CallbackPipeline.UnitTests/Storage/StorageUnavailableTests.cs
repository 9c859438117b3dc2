using CallbackPipeline.Storage;
using StackExchange.Redis;

namespace CallbackPipeline.UnitTests.Storage;

/// <summary>Which failures of a store are outages (retried, never dead-lettered) and which are not.</summary>
public sealed class StorageUnavailableTests
{
    [Theory]
    [InlineData("LOADING Redis is loading the dataset in memory", true)]
    [InlineData("TRYAGAIN Multiple keys request during rehashing of slot", true)]
    [InlineData("OOM command not allowed when used memory > 'maxmemory'.", true)]
    [InlineData("MISCONF Errors writing to the AOF file: No space left on device", true)]
    [InlineData("READONLY You can't write against a read only replica.", true)]
    [InlineData("NOREPLICAS Not enough good replicas to write.", true)]
    [InlineData("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", true)]
    [InlineData("BUSYGROUP Consumer Group name already exists", false)]
    [InlineData("WRONGTYPE Operation against a key holding the wrong kind of value", false)]
    [InlineData("ERR Error running script (call to f_0123): @user_script:1: Script attempted to access nonexistent global variable", false)]
    public void ARedisError_IsAnOutage_OnlyWhileRedisCannotServeForNow(string message, bool outage)
    {
        var error = new RedisServerException(message);

        Assert.Equal(outage, StorageUnavailableException.IsOutage(error));
        Assert.Equal(outage, StorageUnavailableException.From(error) is not null);
    }
}

using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;

namespace CallbackPipeline.Storage.Providers;

/// <summary>Encrypts provider secrets at rest with ASP.NET Core Data Protection.</summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector protector = provider.CreateProtector("CallbackPipeline.ProviderSecrets.v1");

    public byte[] Protect(JsonObject secrets) => protector.Protect(Encoding.UTF8.GetBytes(secrets.ToJsonString()));

    public JsonObject Unprotect(byte[] data) =>
        JsonNode.Parse(protector.Unprotect(data))?.AsObject() ?? [];

    public byte[] ProtectText(string value) => protector.Protect(Encoding.UTF8.GetBytes(value));

    public string UnprotectText(byte[] data) => Encoding.UTF8.GetString(protector.Unprotect(data));
}

using System.ComponentModel.DataAnnotations;

namespace CallbackPipeline.Api.Outbound;

/// <summary>
/// Section <c>Outbound</c>: where requests the host makes on an account's behalf (Send Test SMS) may go. By default
/// only to public addresses; see <see cref="AddressRules"/>.
/// </summary>
public sealed class OutboundOptions : IValidatableObject
{
    public const string Section = "Outbound";

    /// <summary>Lets outbound requests reach every address: loopback, private, link-local and the rest. For local stand-ins only.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>
    /// Networks in CIDR form (<c>10.20.0.0/16</c>, <c>fd00:1::/64</c>) that outbound requests may reach although they are
    /// not public, e.g. an SMS gateway inside the operator's own network. Empty by default.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var network in AllowedNetworks)
        {
            if (!System.Net.IPNetwork.TryParse(network, out _))
            {
                yield return new ValidationResult($"Outbound:AllowedNetworks: '{network}' is not a network in CIDR form (10.20.0.0/16).");
            }
        }
    }
}

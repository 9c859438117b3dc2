using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using CallbackPipeline.Core.Forms;
using CallbackPipeline.Core.Generic;
using CallbackPipeline.Core.Plivo;
using CallbackPipeline.Core.Twilio;
using CallbackPipeline.Core.Vonage;
using NSec.Cryptography;

namespace CallbackPipeline.IntegrationTests.Security;

/// <summary>
/// Seeded hostile requests, one category after another so every category reaches every kind. Half the callbacks are
/// signed correctly with the provider's own secret, so the parsers are reached behind every signature scheme, not only
/// authentication. The samples carry statuses no kind counts: an accepted hostile request must still count nothing.
/// </summary>
public static class HostileCorpus
{
    public static readonly string[] Categories =
    [
        "malformed JSON", "malformed form", "wrong content type", "invalid UTF-8", "huge numbers", "deep nesting",
        "body over the size limit", "duplicate keys", "wrong shape", "random bytes", "hostile values (headers, query, strings)",
    ];

    /// <summary>The Telnyx key pair of the unit tests' vectors (seed 0x00..0x1f), so the corpus can sign Telnyx requests.</summary>
    public const string TelnyxPublicKey = "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=";

    public const string GenericSigningSecret = "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    private static readonly string[] WrongTypes = ["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/octet-stream", "text/html; charset=utf-8", ""];

    private static readonly string[] HugeNumbers = ["1e999999", "99999999999999999999999999999", "-9223372036854775809", "1.7976931348623157e309", "-0", "0.0000000000000000000000001e-999"];

    public static bool IsForm(string kind, Random random) => kind is "twilio" or "plivo" || (kind == "vonage" && random.Next(2) == 0);

    /// <summary>One hostile callback of <paramref name="category"/> for a provider of <paramref name="kind"/>.</summary>
    public static HttpRequestMessage Callback(Random random, string kind, string category, string publicUrl, string path)
    {
        var form = IsForm(kind, random);
        var body = category switch
        {
            "malformed JSON" => Malformed(random, Sample(kind, false)),
            "malformed form" => Encoding.UTF8.GetBytes("MessageSid=%ZZ&MessageStatus=%&%%%=&=&status=%E0%A4&" + Garbage(random)),
            "invalid UTF-8" => InvalidUtf8(random, Sample(kind, form)),
            "huge numbers" => HugeNumbersIn(random, kind, form),
            "deep nesting" => Nested(random, kind),
            "body over the size limit" => Oversized(random, Sample(kind, form)),
            "duplicate keys" => Encoding.UTF8.GetBytes(Duplicated(kind, form)),
            "wrong shape" => Encoding.UTF8.GetBytes(WrongShape(random, form)),
            "random bytes" => Bytes(random, random.Next(0, 2000)),
            _ => Encoding.UTF8.GetBytes(Sample(kind, form)),
        };
        var isForm = form || category == "malformed form";
        var type = category == "wrong content type" ? WrongTypes[random.Next(WrongTypes.Length)]
            : isForm ? "application/x-www-form-urlencoded" : "application/json";
        var method = category == "wrong content type" && random.Next(3) == 0 ? HttpMethod.Get : HttpMethod.Post;
        var signed = random.Next(2) == 0;
        var target = category == "hostile values (headers, query, strings)" && !signed ? path.Split('?')[0] + "?" + Garbage(random) : path;
        if (kind == "vonage" && signed && isForm) body = [.. body, .. Encoding.ASCII.GetBytes("&sig=" + Convert.ToHexString(VonageSignature.Compute("SECRET-vonage-signature", "md5hash", FormFields.Parse(body))))];

        var request = new HttpRequestMessage(method, target);
        if (method == HttpMethod.Post)
        {
            request.Content = new ByteArrayContent(body);
            if (type.Length > 0) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        }
        if (signed) Sign(request, kind, publicUrl, body);
        if (category == "hostile values (headers, query, strings)") AddHostileHeaders(random, request);
        return request;
    }

    /// <summary>A hostile body for a management route: every category but the signing ones.</summary>
    public static HttpContent ManagementBody(Random random, string category)
    {
        const string sample = """{"name":"x","kind":"generic","timeZone":"UTC","role":"admin","events":[{"providerId":"p","messageId":"m","type":"sent"}],"to":"+14155550123","body":"hi","settings":{"sendUrl":"https://x.test"},"rotate":["callbackToken"]}""";
        var body = category switch
        {
            "malformed JSON" => Malformed(random, sample),
            "malformed form" => Encoding.UTF8.GetBytes("name=%ZZ&&=%&" + Garbage(random)),
            "invalid UTF-8" => InvalidUtf8(random, sample),
            "huge numbers" => Encoding.UTF8.GetBytes($$"""{"name":{{Huge(random)}},"deliveryCallbacks":{{Huge(random)}},"events":[{"timestamp":{{Huge(random)}}}],"to":{{Huge(random)}}}"""),
            "deep nesting" => Encoding.UTF8.GetBytes("{\"settings\":" + new string('[', random.Next(64, 5000))),
            "body over the size limit" => Oversized(random, sample),
            "duplicate keys" => Encoding.UTF8.GetBytes("""{"name":"a","name":"b","kind":"generic","kind":"twilio","events":[],"events":null,"role":"read","role":"admin"}"""),
            "wrong shape" => Encoding.UTF8.GetBytes(WrongShape(random, false)),
            "random bytes" => Bytes(random, random.Next(0, 2000)),
            _ => Encoding.UTF8.GetBytes("""{"name":"x\u0000\r\nSet-Cookie: a=b","kind":"generic","settings":{"sendUrl":"javascript:alert(1)"},"secrets":[],"timeZone":"../../etc/passwd","role":"admin\n"}"""),
        };
        var content = new ByteArrayContent(body);
        var type = category == "wrong content type" ? WrongTypes[random.Next(WrongTypes.Length)]
            : category == "malformed form" ? "application/x-www-form-urlencoded" : "application/json";
        if (type.Length > 0) content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        return content;
    }

    public static string Garbage(Random random)
    {
        const string alphabet = "abcXYZ019=&%+?#/\\\"'{}[]<>;: \t\u00e9\u4e2d";
        return new string(Enumerable.Range(0, random.Next(0, 60)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
    }

    private static string Sample(string kind, bool form)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var at = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        return (kind, form) switch
        {
            ("twilio", _) => "MessageSid=SMfz1&MessageStatus=teleported&ErrorCode=1",
            ("plivo", _) => "MessageUUID=fz-1&Status=teleported&Sequence=1",
            ("vonage", true) => "messageId=fz-1&status=teleported&err-code=0&msisdn=447700900123&to=Acme",
            ("vonage", false) => """{"messageId":"fz-1","status":"teleported","err-code":0,"msisdn":"447700900123","to":"Acme"}""",
            ("infobip", _) => $$$"""{"results":[{"messageId":"fz-1","doneAt":"{{{at}}}","status":{"groupId":9,"groupName":"TELEPORTED"}}]}""",
            ("telnyx", _) => $$$"""{"data":{"event_type":"message.teleported","id":"ev-fz-1","occurred_at":"{{{at}}}","payload":{"id":"fz-1","to":[{"phone_number":"+14155550123","status":"teleported"}]}},"meta":{"attempt":1}}""",
            _ => $$"""[{"event":"opened","data":[{"ts":{{ts}},"meta":"fz-1","description":"x"}]}]""",
        };
    }

    private static byte[] Malformed(Random random, string sample) => Encoding.UTF8.GetBytes(random.Next(3) switch
    {
        0 => sample[..random.Next(0, sample.Length - 1)],
        1 => sample.Insert(random.Next(1, sample.Length - 1), Garbage(random) + "}"),
        _ => sample.Replace("\"", random.Next(2) == 0 ? "'" : "", StringComparison.Ordinal),
    });

    private static byte[] InvalidUtf8(Random random, string sample)
    {
        byte[][] invalid = [[0xC3, 0x28], [0xA0, 0xA1], [0xE2, 0x28, 0xA1], [0xF0, 0x28, 0x8C, 0x28], [0xFF, 0xFE], [0xED, 0xA0, 0x80], [0xC0, 0xAF]];
        var bytes = Encoding.UTF8.GetBytes(sample).ToList();
        var at = sample.IndexOf("fz-1", StringComparison.Ordinal) is >= 0 and var i ? i : random.Next(bytes.Count);
        bytes.InsertRange(at, invalid[random.Next(invalid.Length)]);
        return [.. bytes];
    }

    private static string Huge(Random random) => HugeNumbers[random.Next(HugeNumbers.Length)];

    private static byte[] HugeNumbersIn(Random random, string kind, bool form)
    {
        if (form) return Encoding.UTF8.GetBytes(Sample(kind, true) + $"&ErrorCode={Huge(random)}&Sequence={Huge(random)}&err-code={Huge(random)}&message-timestamp={Huge(random)}&timestamp={Huge(random)}");
        var sample = Sample(kind, false);
        var json = kind switch
        {
            "generic" => $$"""[{"event":"opened","data":[{"ts":{{Huge(random)}},"meta":{{Huge(random)}}}]}]""",
            "infobip" => sample.Replace("\"groupId\":9", $"\"groupId\":{Huge(random)}", StringComparison.Ordinal).Replace("\"fz-1\"", Huge(random), StringComparison.Ordinal),
            "telnyx" => sample.Replace("\"attempt\":1", $"\"attempt\":{Huge(random)}", StringComparison.Ordinal).Replace("\"fz-1\"", Huge(random), StringComparison.Ordinal),
            _ => sample.Replace("\"err-code\":0", $"\"err-code\":{Huge(random)}", StringComparison.Ordinal),
        };
        return Encoding.UTF8.GetBytes(json);
    }

    private static byte[] Nested(Random random, string kind)
    {
        var depth = random.Next(64, 5000);
        var nest = random.Next(2) == 0 ? new string('[', depth) + new string(']', depth) : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
        return Encoding.UTF8.GetBytes(kind switch
        {
            "generic" => $$"""[{"event":"opened","data":[{"ts":1,"meta":{{nest}}}]}]""",
            "infobip" => $$"""{"results":[{"messageId":"fz-1","status":{{nest}}}]}""",
            "telnyx" => $$$"""{"data":{"event_type":"message.sent","payload":{{{nest}}}}}""",
            _ => $$"""{"messageId":"fz-1","status":{{nest}}}""",
        });
    }

    private static byte[] Oversized(Random random, string sample)
    {
        var body = new byte[1024 * 1024 + random.Next(1, 4096)];
        Array.Fill(body, (byte)' ');
        Encoding.UTF8.GetBytes(sample).CopyTo(body, 0);
        return body;
    }

    private static string Duplicated(string kind, bool form) => (kind, form) switch
    {
        ("twilio", _) => "MessageSid=SMa&MessageSid=SMb&MessageStatus=teleported&MessageStatus=queued&SmsStatus=x",
        ("plivo", _) => "MessageUUID=a&MessageUUID=b&Status=teleported&Status=queued",
        ("vonage", true) => "messageId=a&messageId=b&status=teleported&status=unknown&msisdn=1&msisdn=2",
        ("vonage", false) => """{"messageId":"a","messageId":"b","status":"teleported","status":"unknown"}""",
        ("infobip", _) => """{"results":[{"messageId":"a","messageId":"b","status":{"groupName":"PENDING","groupName":"TELEPORTED"}}],"results":null}""",
        ("telnyx", _) => """{"data":{"event_type":"message.teleported","event_type":"message.unknown","payload":{"id":"a","id":"b"}},"data":{}}""",
        _ => """[{"event":"opened","event":"bounced","data":[{"ts":1,"ts":"x","meta":"a","meta":{}}]}]""",
    };

    private static string WrongShape(Random random, bool form)
    {
        string[] forms = ["", "=", "&&&", "a=1", "MessageSid=&MessageStatus=", "status&messageId", "Status=teleported", "sig=00"];
        string[] json = ["null", "0", "\"x\"", "{}", "[]", "[null]", "[[]]", "true", """[{"event":null,"data":{}}]""", """[{"event":"opened","data":null}]""", """{"results":{}}""", """{"results":[{"messageId":{"$ne":1},"status":[[[[]]]],"doneAt":"9999-99-99T99:99:99+9999"}]}""", """{"data":{"event_type":null,"payload":{"id":""},"occurred_at":"not a date"}}""", """{"data":[]}""", """[{"event":"opened","data":[{"ts":"<script>","meta":"' OR 1=1 --"}]}]"""];
        return form ? forms[random.Next(forms.Length)] : json[random.Next(json.Length)];
    }

    private static void Sign(HttpRequestMessage request, string kind, string publicUrl, byte[] body)
    {
        var fields = FormFields.Parse(body);
        switch (kind)
        {
            case "generic":
                var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                request.Headers.TryAddWithoutValidation("webhook-id", "msg_fuzz");
                request.Headers.TryAddWithoutValidation("webhook-timestamp", now);
                request.Headers.TryAddWithoutValidation("webhook-signature", StandardWebhookSignature.Signature(GenericSigningSecret, "msg_fuzz", now, body));
                break;
            case "twilio":
                request.Headers.TryAddWithoutValidation("X-Twilio-Signature", Convert.ToBase64String(TwilioSignature.Compute("SECRET-twilio-auth-token", publicUrl, fields)));
                break;
            case "plivo":
                request.Headers.TryAddWithoutValidation("X-Plivo-Signature-V3-Nonce", "fuzz-nonce");
                request.Headers.TryAddWithoutValidation("X-Plivo-Signature-V3", Convert.ToBase64String(PlivoSignature.Compute("SECRET-plivo-auth-token", true, publicUrl, fields, "fuzz-nonce")));
                break;
            case "telnyx":
                using (var key = Key.Import(SignatureAlgorithm.Ed25519, Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), KeyBlobFormat.RawPrivateKey))
                {
                    var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                    request.Headers.TryAddWithoutValidation("telnyx-timestamp", ts);
                    request.Headers.TryAddWithoutValidation("telnyx-signature-ed25519", Convert.ToBase64String(SignatureAlgorithm.Ed25519.Sign(key, [.. Encoding.ASCII.GetBytes(ts + "|"), .. body])));
                }
                break;
        }
    }

    /// <summary>
/// Header values HttpClient will send: very long, quoted, listed, numeric. CR, LF, NUL, non-ASCII names and oversized
/// heads are covered on a raw socket (SlowClientTests), since HttpClient refuses to send them.
/// </summary>
    private static void AddHostileHeaders(Random random, HttpRequestMessage request)
    {
        string[] names = ["X-Twilio-Signature", "X-Plivo-Signature-V3", "X-Plivo-Signature-V3-Nonce", "telnyx-timestamp", "telnyx-signature-ed25519", "webhook-id", "webhook-timestamp", "webhook-signature"];
        string[] values = [new string('A', 16 * 1024), "caf%C3%A9", "\"quoted\", v1,,,", "v1," + new string('=', 300), "-1", "99999999999999999999", "gzip, br, deflate", " ", "v2,abc v1, v1"];
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            var name = names[random.Next(names.Length)];
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, values[random.Next(values.Length)]);
        }
    }

    private static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}

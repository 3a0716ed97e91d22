using System.Buffers;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using BankAccounts.Domain;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BankAccounts.Api.Http;

/// <summary>A request body read at the edge: the value, or the problem to answer instead.</summary>
internal readonly record struct BodyResult<T>(T? Value, ProblemHttpResult? Problem) where T : class;

/// <summary>
/// Reads JSON request bodies strictly (no numbers in strings, no unknown or duplicate properties,
/// required members enforced) so that malformed input is answered with a 400 before any command
/// is sent, and never reaches the exception handler.
/// </summary>
internal static class JsonBody
{
    public const int MaxBytes = 16 * 1024;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 16,
    };

    public static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNameCaseInsensitive = false,
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        AllowDuplicateProperties = false,
    };

    /// <summary>A required body, read strictly and then checked by <paramref name="validate"/> (edge validation).</summary>
    public static async Task<BodyResult<T>> ReadValidAsync<T>(
        HttpRequest request, Func<T, IReadOnlyList<FieldError>> validate, CancellationToken cancellationToken)
        where T : class
    {
        var body = await ReadAsync<T>(request, required: true, null, cancellationToken);
        if (body.Problem is null && validate(body.Value!) is { Count: > 0 } errors)
        {
            return new(null, Problems.Invalid(errors));
        }
        return body;
    }

    /// <param name="required">When false an absent body reads as <paramref name="whenAbsent"/>.</param>
    public static async Task<BodyResult<T>> ReadAsync<T>(HttpRequest request, bool required, T? whenAbsent, CancellationToken cancellationToken)
        where T : class
    {
        var canHaveBody = request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0;
        if (!canHaveBody || request.ContentLength == 0)
        {
            return required
                ? new(null, Problems.Invalid("body", "A JSON request body is required."))
                : new(whenAbsent, null);
        }
        if (!request.HasJsonContentType())
        {
            return new(null, Problems.UnsupportedMediaType(request.ContentType));
        }
        if (request.ContentLength > MaxBytes)
        {
            return new(null, TooLarge());
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (true)
            {
                var read = await request.Body.ReadAsync(buffer.GetMemory(4096), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                buffer.Advance(read);
                if (buffer.WrittenCount > MaxBytes)
                {
                    return new(null, TooLarge());
                }
            }
        }
        catch (BadHttpRequestException bad)
        {
            return new(null, Problems.Invalid("body", $"The request body could not be read: {bad.Message}"));
        }

        var bytes = buffer.WrittenSpan;
        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }
        if (bytes.IsEmpty)
        {
            return required
                ? new(null, Problems.Invalid("body", "A JSON request body is required."))
                : new(whenAbsent, null);
        }
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return new(null, Problems.Invalid("body", "The request body is not valid UTF-8."));
        }
        return Parse<T>(bytes);
    }

    private static BodyResult<T> Parse<T>(ReadOnlySpan<byte> bytes) where T : class
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(bytes, ReaderOptions);
            document = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
            {
                // ParseValue stops after the first value; anything but whitespace after it is malformed.
                throw new JsonException("Unexpected data after the JSON object.", null, 0, reader.BytesConsumed);
            }
        }
        catch (JsonException syntax)
        {
            var where = syntax.BytePositionInLine is { } position ? $" (line {syntax.LineNumber + 1}, position {position + 1})" : string.Empty;
            return new(null, Problems.Invalid("body", $"The request body is not valid JSON{where}."));
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new(null, Problems.Invalid("body", "The request body must be a JSON object."));
            }
            if (!HoldsOnlyText(document.RootElement))
            {
                return new(null, Problems.Invalid("body", "The request body holds an escape that is no Unicode text (a lone surrogate)."));
            }
            if (FirstDuplicateProperty(document.RootElement) is { } duplicate)
            {
                return new(null, Problems.Invalid(duplicate, $"'{duplicate}' appears more than once."));
            }
            try
            {
                var value = document.RootElement.Deserialize<T>(SerializerOptions);
                return value is null
                    ? new(null, Problems.Invalid("body", "The request body must be a JSON object."))
                    : new(value, null);
            }
            catch (JsonException mapping)
            {
                return new(null, Problems.Invalid(Describe<T>(mapping)));
            }
        }
    }

    /// <summary>
    /// A lone surrogate escape (<c>"\ud800"</c>) is valid JSON syntax but no text: reading it as a string
    /// throws, in a property name as in a value. Checked once here so no later step meets it.
    /// </summary>
    private static bool HoldsOnlyText(JsonElement element)
    {
        try
        {
            return Readable(element);
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        static bool Readable(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.Object => element.EnumerateObject().All(property => property.Name is not null && Readable(property.Value)),
            JsonValueKind.Array => element.EnumerateArray().All(Readable),
            JsonValueKind.String => element.GetString() is not null,
            _ => true,
        };
    }

    private static string? FirstDuplicateProperty(JsonElement root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                return property.Name;
            }
        }
        return null;
    }

    private static ProblemHttpResult TooLarge() =>
        Problems.Invalid("body", $"The request body must not exceed {MaxBytes / 1024} KiB.");

    /// <summary>
    /// Turns System.Text.Json's messages (which name CLR types) into messages about the field the
    /// caller sent, keyed by its JSON name.
    /// </summary>
    private static Dictionary<string, string[]> Describe<T>(JsonException exception)
    {
        var message = exception.Message;
        const string missingMarker = "missing required properties including:";
        if (message.IndexOf(missingMarker, StringComparison.Ordinal) is >= 0 and var at
            && Quoted(message[(at + missingMarker.Length)..]) is { Count: > 0 } missing)
        {
            return missing.ToDictionary(name => name, name => new[] { $"'{name}' is required." });
        }
        if (message.StartsWith("The JSON property '", StringComparison.Ordinal) && Quoted(message) is [var unknown, ..])
        {
            return new() { [unknown] = [$"'{unknown}' is not a known property; expected {string.Join(", ", JsonNamesOf<T>().Select(n => $"'{n}'"))}."] };
        }
        var field = FieldOf(exception.Path);
        if (field is null)
        {
            return new() { ["body"] = ["The request body does not have the expected shape."] };
        }
        var expected = JsonTypeOf<T>(field);
        return new() { [field] = [expected is null ? $"'{field}' has an invalid value." : $"'{field}' must be {expected}."] };
    }

    /// <summary><c>$.amount</c> becomes <c>amount</c>; <c>$</c> (the object itself) has no field.</summary>
    private static string? FieldOf(string? path) =>
        path is null || !path.StartsWith("$.", StringComparison.Ordinal) ? null : path[2..];

    private static List<string> Quoted(string text)
    {
        var names = new List<string>();
        var start = text.IndexOf('\'');
        while (start >= 0)
        {
            var end = text.IndexOf('\'', start + 1);
            if (end < 0)
            {
                break;
            }
            names.Add(text[(start + 1)..end]);
            start = text.IndexOf('\'', end + 1);
        }
        return names;
    }

    private static IEnumerable<string> JsonNamesOf<T>() =>
        typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => SerializerOptions.PropertyNamingPolicy!.ConvertName(p.Name));

    private static string? JsonTypeOf<T>(string field)
    {
        var property = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(p => SerializerOptions.PropertyNamingPolicy!.ConvertName(p.Name) == field);
        if (property is null)
        {
            return null;
        }
        var nullable = new NullabilityInfoContext().Create(property).ReadState == NullabilityState.Nullable;
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var kind = type == typeof(string) ? "a string"
            : type == typeof(decimal) || type == typeof(long) || type == typeof(int) ? "a number"
            : type == typeof(bool) ? "true or false"
            : null;
        return kind is null ? null : nullable ? kind + " or null" : kind;
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using BankAccounts.Domain;

namespace BankAccounts.Actors.Serialization;

/// <summary>Value objects written as their plain values, so stored JSON does not follow C# shapes.</summary>
internal static class JsonConverters
{
    public static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new AccountIdConverter());
        options.Converters.Add(new CommandIdConverter());
        options.Converters.Add(new TransferIdConverter());
        options.Converters.Add(new CurrencyConverter());
        options.Converters.Add(new MoneyConverter());
        options.Converters.Add(new JsonStringEnumConverter());
        options.TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver
        {
            Modifiers = { OmitOpeningWhenAbsent },
        };
        return options;
    }

    /// <summary>
    /// <see cref="CommandAccepted.Opening"/> is written only when there is one: every other acceptance keeps
    /// exactly the shape <c>CommandAccepted.v1</c> always had, which nodes of earlier releases read.
    /// </summary>
    private static void OmitOpeningWhenAbsent(System.Text.Json.Serialization.Metadata.JsonTypeInfo type)
    {
        if (type.Type != typeof(CommandAccepted))
        {
            return;
        }
        foreach (var property in type.Properties.Where(p => p.PropertyType == typeof(AccountOpening)))
        {
            property.ShouldSerialize = static (_, value) => value is not null;
        }
    }

    /// <summary>The empty id only appears in the state of a transfer that was never requested.</summary>
    private sealed class AccountIdConverter : JsonConverter<AccountId>
    {
        public override AccountId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Guid.TryParse(reader.GetString(), out var id) ? new AccountId(id) : throw new JsonException("Invalid account id.");

        public override void Write(Utf8JsonWriter writer, AccountId value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }

    private sealed class TransferIdConverter : JsonConverter<TransferId>
    {
        public override TransferId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            TransferId.TryParse(reader.GetString(), out var id) ? id : throw new JsonException("Invalid transfer id.");

        public override void Write(Utf8JsonWriter writer, TransferId value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }

    private sealed class CommandIdConverter : JsonConverter<CommandId>
    {
        public override CommandId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(reader.GetString() ?? string.Empty);

        public override void Write(Utf8JsonWriter writer, CommandId value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.Value);
    }

    private sealed class CurrencyConverter : JsonConverter<Currency>
    {
        public override Currency Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Currency.TryFind(reader.GetString(), out var currency) ? currency : throw new JsonException("Unknown currency.");

        public override void Write(Utf8JsonWriter writer, Currency value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.Code);
    }

    private sealed class MoneyConverter : JsonConverter<Money>
    {
        public override Money Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var code = root.GetProperty("currency").GetString();
            return Currency.TryFind(code, out var currency)
                ? new Money(root.GetProperty("amount").GetDecimal(), currency)
                : throw new JsonException($"Unknown currency '{code}'.");
        }

        public override void Write(Utf8JsonWriter writer, Money value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteNumber("amount", value.Amount);
            writer.WriteString("currency", value.Currency.Code);
            writer.WriteEndObject();
        }
    }
}

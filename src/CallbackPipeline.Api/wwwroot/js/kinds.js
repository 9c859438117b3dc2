// What the Edit settings dialog shows per provider kind (docs/api.md, "Providers").
export const kinds = {
  generic: { settings: ["sendUrl", "sendMethod", "sendBodyTemplate"], secrets: ["signingSecret"] },
  twilio: { settings: ["accountSid", "from", "messagingServiceSid"], secrets: ["authToken"] },
  vonage: { settings: ["apiKey", "from", "signatureMethod"], secrets: ["apiSecret", "signatureSecret"] },
  plivo: { settings: ["authId", "from"], secrets: ["authToken"] },
  infobip: { settings: ["baseUrl", "from"], secrets: ["apiKey"] },
  telnyx: { settings: ["from", "publicKey", "messagingProfileId"], secrets: ["apiKey"] },
};

export const labels = {
  generic: "Generic (CleverTap format)", twilio: "Twilio", vonage: "Vonage", plivo: "Plivo", infobip: "Infobip", telnyx: "Telnyx",
};

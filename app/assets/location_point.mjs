// A location question's point, shared by app.mjs ("Use my current location", the list of places)
// and map.mjs (the pin): the hidden latitude, longitude and source, and the description asked
// after a point instead of after the list, which is shown, and sent, only once there is a point.
export function pointParts(form) {
  return ["latitude", "longitude", "source"].map((part) => form.querySelector(`[data-point-${part}]`));
}

export function showPointParts(form) {
  for (const part of form.querySelectorAll("[data-point-only]")) {
    part.hidden = false;
    for (const input of part.querySelectorAll("input, textarea")) input.disabled = false;
  }
}

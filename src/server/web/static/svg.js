// SVG drawing helpers shared by the workflow graph and the Inspector's statechart.
const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with its attributes, appended to `parent` when one is given. */
export const el = (name, attributes = {}, parent) => {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  parent?.appendChild(node);
  return node;
};

/** The width in pixels of `text` drawn in `font`, for sizing boxes before elk lays them out. */
export const measure = (() => {
  const context = document.createElement('canvas').getContext('2d');
  return (text, font) => {
    context.font = font;
    return Math.ceil(context.measureText(text).width);
  };
})();

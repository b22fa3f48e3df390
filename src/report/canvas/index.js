// The node-canvas compatible API of @napi-rs/canvas, installed under the name `canvas`.
module.exports = require('@napi-rs/canvas/node-canvas')

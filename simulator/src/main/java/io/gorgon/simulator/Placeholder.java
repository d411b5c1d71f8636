package io.gorgon.simulator; final class Placeholder {}
